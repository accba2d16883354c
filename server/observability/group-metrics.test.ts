import { afterEach, describe, expect, it } from 'vitest';
import { tempPlugins } from '../test-support/plugins-folder.js';
import {
  freshRequest,
  killSpawned,
  type SpawnedServer,
  spawnServer,
} from '../test-support/spawned-server.js';
import { eventually } from '../test-support/test-app.js';

let server: SpawnedServer | undefined;
let plugins: ReturnType<typeof tempPlugins> | undefined;

afterEach(async () => {
  await killSpawned(server);
  server = undefined;
  plugins?.cleanup();
});

/** The value of `name{...plugin="upper"...}` in Prometheus text. */
function upperValue(text: string, name: string): number | undefined {
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`${name}{`) && l.includes('plugin="upper"') && !l.includes('le="'));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('/metrics with --workers 2', () => {
  it('counts the calls of every worker exactly, whichever worker answers the scrape', async () => {
    plugins = tempPlugins();
    plugins.samples('upper');
    server = await spawnServer(plugins.root, ['--workers', '2', '--log-level', 'debug']);
    const s = server;
    await s.waitFor((line) => line.msg === 'ready', 2);
    // The access log (debug) says which worker (pid) served each request.
    const requests = (path: string) =>
      s.lines.filter((line) => line.msg === 'request' && line.path === path);
    const pids = (path: string) => new Set(requests(path).map((line) => line.pid));
    let sent = 0;
    while (sent < 30 || pids('/v1/plugins/upper').size < 2) {
      expect(sent).toBeLessThan(200);
      const response = await freshRequest(`${s.url}/v1/plugins/upper`, {
        method: 'POST',
        body: 'hi',
      });
      expect(await response.text()).toBe('HI');
      sent += 1;
      await s.waitFor((line) => line.msg === 'request' && line.path === '/v1/plugins/upper', sent);
    }
    let scrapes = 0;
    while (scrapes < 6 || pids('/metrics').size < 2) {
      expect(scrapes).toBeLessThan(60);
      const response = await freshRequest(`${s.url}/metrics`);
      expect(response.status).toBe(200);
      const text = await response.text();
      expect(upperValue(text, 'twinplug_calls_total')).toBe(sent);
      expect(upperValue(text, 'twinplug_call_duration_seconds_count')).toBe(sent);
      scrapes += 1;
      await s.waitFor((line) => line.msg === 'request' && line.path === '/metrics', scrapes);
    }
    // The charts are sampled once for the group, in the primary: every call is in them once.
    await eventually(async () => {
      const data = (await (await freshRequest(`${s.url}/v1/dashboard`)).json()) as {
        series: { plugin: string; points: { calls: number }[] }[];
      };
      const upper = data.series.find((series) => series.plugin === 'upper');
      return upper?.points.reduce((sum, point) => sum + point.calls, 0) === sent;
    }, 20_000);
    // A worker killed: its counts go with it; the scrapes sum the survivor's (and its new
    // sibling's, none yet), during the restart and after it.
    const callers = requests('/v1/plugins/upper');
    const victim = callers[0]!.pid as number;
    const survived = callers.filter((line) => line.pid !== victim).length;
    process.kill(victim, 'SIGKILL');
    await s.waitFor((line) => line.msg === 'worker died; starting another');
    const scrape = async () =>
      upperValue(await (await freshRequest(`${s.url}/metrics`)).text(), 'twinplug_calls_total');
    expect(await scrape()).toBe(survived);
    await s.waitFor((line) => line.msg === 'ready', 3);
    for (let index = 0; index < 4; index += 1) expect(await scrape()).toBe(survived);
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
  }, 90_000);
});
