import { PluginError } from '../../errors.js';
import type { LoadPluginOptions } from '../../options.js';
import type { Plugin, PluginInfo, PluginStats } from '../../plugin.js';

/**
 * What a fake artifact holds (as JSON): a plugin that answers `<version>:<input>` after an
 * asynchronous delay, like the isolated (worker, child process) plugins to come.
 */
export interface FakeSpec {
  name: string;
  version: string;
  backend?: 'native' | 'wasm';
  /** Milliseconds each call takes; -1 holds every call until `releaseAll()`. */
  delayMs?: number;
  /** Loading fails with this code (PLUGIN_INIT_FAILED, PLUGIN_PLATFORM_MISMATCH...). */
  failWith?: string;
  /** What stats() reports as memoryBytes (default 0). */
  memoryBytes?: number;
}

/** A Plugin whose calls are truly asynchronous and which records any call made after close. */
export class FakePlugin implements Plugin {
  readonly info: PluginInfo;
  readonly backend: 'native' | 'wasm';
  readonly exports = ['ProcessData', 'PluginInfo'];
  readonly artifact: Plugin['artifact'];
  readonly isolation = 'in-process' as const;
  readonly spec: FakeSpec;
  callsAfterClose = 0;
  calls = 0;
  #inFlight = 0;
  #closed = false;
  #disposed = false;
  #held: (() => void)[] = [];
  #idle: (() => void)[] = [];

  constructor(spec: FakeSpec, sha256: string) {
    this.spec = spec;
    this.info = { name: spec.name, version: spec.version, abi: 1, description: 'fake' };
    this.backend = spec.backend ?? 'wasm';
    this.artifact = { path: undefined, format: 'wasm', sha256, size: 0 };
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** True once close() finished: nothing of the plugin is left. */
  get disposed(): boolean {
    return this.#disposed;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  stats(): PluginStats {
    const { isolation } = this;
    return {
      isolation,
      circuit: 'off',
      inFlight: this.#inFlight,
      host: undefined,
      queued: 0,
      restarts: 0,
      pids: [],
      memoryBytes: this.spec.memoryBytes ?? 0,
    };
  }

  processDataSync(): Uint8Array {
    throw new PluginError('PLUGIN_INVALID_OPTIONS', 'a fake plugin answers asynchronously only');
  }

  async processData(input: Uint8Array): Promise<Uint8Array> {
    if (this.#closed) {
      this.callsAfterClose += 1;
      throw new PluginError('PLUGIN_CLOSED', 'fake plugin is closed');
    }
    this.calls += 1;
    this.#inFlight += 1;
    try {
      await this.#wait();
      if (this.#disposed) this.callsAfterClose += 1;
      const prefix = new TextEncoder().encode(`${this.info.version}:`);
      const output = new Uint8Array(prefix.length + input.length);
      output.set(prefix);
      output.set(input, prefix.length);
      return output;
    } finally {
      this.#inFlight -= 1;
      if (this.#inFlight === 0) for (const resolve of this.#idle.splice(0)) resolve();
    }
  }

  /** Lets every held call finish. */
  releaseAll(): void {
    for (const release of this.#held.splice(0)) release();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#inFlight > 0) await new Promise<void>((resolve) => this.#idle.push(resolve));
    this.#disposed = true;
  }

  #wait(): Promise<void> {
    const delay = this.spec.delayMs ?? 0;
    if (delay < 0) return new Promise((resolve) => this.#held.push(resolve));
    if (delay === 0) return new Promise((resolve) => setImmediate(resolve));
    return new Promise((resolve) => setTimeout(resolve, delay));
  }
}

/** A loader for fake artifacts: files holding a {@link FakeSpec} as JSON. */
export function createFakeLoader(): {
  load: (options: LoadPluginOptions) => Promise<Plugin>;
  plugins: FakePlugin[];
} {
  const plugins: FakePlugin[] = [];
  const load = async (options: LoadPluginOptions): Promise<Plugin> => {
    const bytes = options.bytes ?? new Uint8Array(0);
    await new Promise((resolve) => setImmediate(resolve));
    let spec: FakeSpec;
    try {
      spec = JSON.parse(new TextDecoder().decode(bytes)) as FakeSpec;
    } catch {
      throw new PluginError('PLUGIN_FORMAT_INVALID', 'not a fake plugin');
    }
    if (spec.failWith !== undefined) {
      throw new PluginError(
        spec.failWith as PluginError['code'],
        `fake load fails: ${spec.failWith}`,
      );
    }
    const { createHash } = await import('node:crypto');
    const plugin = new FakePlugin(spec, createHash('sha256').update(bytes).digest('hex'));
    plugins.push(plugin);
    return plugin;
  };
  return { load, plugins };
}
