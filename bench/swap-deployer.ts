// The hot-swap bench's deploy tool, on its own thread as a real one is in its own process: it
// makes each build's fresh bytes, hashes them, writes them beside the artifact and renames them
// into place, so none of that lands on the thread whose calls are being counted.
import { renameSync, writeFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { sha256Hex } from '../runtime/index.js';
import { freshBuild } from './fresh-build.js';

/** What the deployer is started with: the two builds it alternates and where they go. */
export interface DeployerSetup {
  readonly builds: readonly [Uint8Array, Uint8Array];
  readonly temp: string;
  readonly target: string;
  readonly file: string;
}

export interface DeployOrder {
  readonly build: 0 | 1;
  readonly serial: number;
}

export interface Deployed {
  /** performance.timeOrigin + performance.now() just before the rename. */
  readonly renamedAt: number;
  readonly sha256: string;
}

const setup = workerData as DeployerSetup;

parentPort?.on('message', ({ build, serial }: DeployOrder) => {
  const bytes = freshBuild(setup.builds[build], setup.file, serial);
  const sha256 = sha256Hex(bytes);
  writeFileSync(setup.temp, bytes);
  const renamedAt = performance.timeOrigin + performance.now();
  renameSync(setup.temp, setup.target);
  parentPort?.postMessage({ renamedAt, sha256 } satisfies Deployed);
});
