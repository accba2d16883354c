import { randomBytes } from 'node:crypto';
import {
  createApp,
  createLogger,
  loadConfig,
  openAccess,
  PluginService,
  ServerMetrics,
} from '../server/index.js';
import { compare, formatNs, formatRatio, printTable } from './harness.js';

const BODY = 'a 64-byte body of text for upper: Hello, World! 0123456789 abcdef';
const HIGH = '1000000';

/** The server's app over an in-process `upper`, without a port: what a request costs inside. */
async function app(plugins: string, env: Record<string, string>) {
  const config = loadConfig({ env, flags: { plugins }, cwd: plugins });
  const log = createLogger('warn');
  const service = new PluginService({ config, log, metrics: new ServerMetrics() });
  await service.ready;
  const access = await openAccess(config, log);
  return {
    app: createApp({ service, metrics: new ServerMetrics(), log, config, access }),
    service,
  };
}

/**
 * The same request through the app without auth, with a caller key (auth.required), and with
 * the key and per-key and per-plugin rate limits that never refuse: interleaved rounds in one
 * process, so only what the key check and the limiters add differs (no sockets, no load
 * generator: steadier than requests per second on a shared machine).
 */
export async function authCost(roots: { plain: string; key: string; limits: string }) {
  const adminToken = randomBytes(24).toString('hex');
  const plain = await app(roots.plain, { TWINPLUG_LOG_LEVEL: 'warn' });
  const keyed = await app(roots.key, {
    TWINPLUG_ADMIN_TOKEN: adminToken,
    TWINPLUG_AUTH_REQUIRED: 'true',
  });
  const limited = await app(roots.limits, {
    TWINPLUG_ADMIN_TOKEN: adminToken,
    TWINPLUG_AUTH_REQUIRED: 'true',
    TWINPLUG_LIMIT_KEY_RPS: HIGH,
    TWINPLUG_LIMIT_KEY_BURST: HIGH,
    TWINPLUG_LIMIT_PLUGIN_RPS: HIGH,
    TWINPLUG_LIMIT_PLUGIN_BURST: HIGH,
  });
  const secretOf = async (target: typeof keyed) => {
    const created = await target.app.request('/v1/admin/keys', {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({ role: 'caller', plugins: ['upper'] }),
    });
    return ((await created.json()) as { secret: string }).secret;
  };
  const call = (target: typeof plain, secret?: string) => async () => {
    const headers: Record<string, string> = { 'content-length': String(BODY.length) };
    if (secret !== undefined) headers.authorization = `Bearer ${secret}`;
    const response = await target.app.request('/v1/plugins/upper', {
      method: 'POST',
      body: BODY,
      headers,
    });
    if (response.status !== 200) throw new Error(`upper answered ${response.status}`);
    await response.arrayBuffer();
  };
  try {
    const results = await compare(
      {
        plain: call(plain),
        key: call(keyed, await secretOf(keyed)),
        limits: call(limited, await secretOf(limited)),
      },
      { opsPerRound: 3000, rounds: 9 },
    );
    const base = results.plain!.nsPerOp;
    printTable(
      ['app.request (in-process upper)', 'per request', 'ratio (throughput)'],
      [
        ['no auth', formatNs(base), '1.00x (baseline)'],
        [
          'API key (auth.required)',
          formatNs(results.key!.nsPerOp),
          formatRatio(base / results.key!.nsPerOp, { min: 0.95 }),
        ],
        [
          'API key + key and plugin limits',
          formatNs(results.limits!.nsPerOp),
          formatRatio(base / results.limits!.nsPerOp, { min: 0.95 }),
        ],
      ],
    );
  } finally {
    await Promise.all([plain.service.close(), keyed.service.close(), limited.service.close()]);
  }
}
