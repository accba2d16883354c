// Swap latency as a client sees it: a real server on a watched folder, a build renamed into
// place, and requests until one is answered by the new build (its x-plugin-version).
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, loadConfig, type RunningServer, startServer } from '../server/index.js';

const INPUT = new TextEncoder().encode(
  'a 64-byte input, long enough to be a realistic small request.',
);
/** A swap not answered by then is a failure of the bench, not a slow figure. */
const GIVE_UP_MS = 30_000;

export interface HttpSwapBuild {
  readonly version: string;
  readonly bytes: Uint8Array;
}

/** A server on a folder holding `<name>/<file>` (plugin.json forcing every swap), at the first build. */
export class HttpSwapRig {
  readonly root = mkdtempSync(join(tmpdir(), 'twinplug-bench-http-swap-'));
  #server: RunningServer | undefined;

  constructor(
    readonly name: string,
    readonly file: string,
  ) {}

  async start(first: HttpSwapBuild): Promise<void> {
    const dir = join(this.root, this.name);
    mkdirSync(dir);
    writeFileSync(join(dir, 'plugin.json'), JSON.stringify({ force: true }));
    writeFileSync(join(dir, this.file), first.bytes);
    const config = loadConfig({
      env: { TWINPLUG_LOG_LEVEL: 'warn' },
      flags: { plugins: this.root, port: '0', host: '127.0.0.1' },
      cwd: this.root,
    });
    this.#server = await startServer(config, { log: createLogger('warn') });
    await this.#untilServedBy(first.version, performance.now());
  }

  /** Renames `build` into place; resolves with the ms until a response came from it. */
  async swapTo(build: HttpSwapBuild): Promise<number> {
    const dir = join(this.root, this.name);
    const temp = join(dir, `${this.file}.tmp`);
    writeFileSync(temp, build.bytes);
    const renamedAt = performance.now();
    renameSync(temp, join(dir, this.file));
    return (await this.#untilServedBy(build.version, renamedAt)) - renamedAt;
  }

  async stop(): Promise<void> {
    await this.#server?.close();
    rmSync(this.root, { recursive: true, force: true });
  }

  async #untilServedBy(version: string, since: number): Promise<number> {
    const url = `http://127.0.0.1:${this.#server!.port}/v1/plugins/${this.name}`;
    for (;;) {
      const response = await fetch(url, {
        method: 'POST',
        body: INPUT,
        headers: { 'content-type': 'application/octet-stream' },
      });
      await response.arrayBuffer();
      const answeredAt = performance.now();
      if (response.ok && response.headers.get('x-plugin-version') === version) return answeredAt;
      if (answeredAt - since > GIVE_UP_MS)
        throw new Error(
          `${this.name} ${version} did not answer within ${GIVE_UP_MS} ms of its rename`,
        );
    }
  }
}
