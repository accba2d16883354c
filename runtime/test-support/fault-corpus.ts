import type { Toolchain } from '../../scripts/artifacts.js';
import type { PluginErrorCode } from '../errors.js';
import type { Isolation, LoadPluginOptions } from '../options.js';

const utf8 = (value: string): Uint8Array => new TextEncoder().encode(value);

/** One faulty fixture in one mode, and what the host must see. */
export interface Fault {
  readonly fixture: string;
  readonly toolchain: Toolchain;
  readonly isolation: Isolation;
  readonly options?: Partial<LoadPluginOptions>;
  readonly input: Uint8Array;
  readonly code: PluginErrorCode;
  /** Whether the fault costs the worker or child (a restart), or only the instance or nothing. */
  readonly restarts: boolean;
  /** A call the plugin answers normally after the fault; without one the fixture faults on
   * every input, and the proof of recovery is that it runs (and faults) again after a restart. */
  readonly recovery?: { readonly input: Uint8Array; readonly output: Uint8Array };
}

const echo = (value: string) => ({ input: utf8(value), output: utf8(value) });
const FAST = { timeoutMs: 300 };

/** The faulty fixtures in every mode each applies to (docs/isolation.md has the table). */
// biome-ignore format: one fault per line reads as a table
export const FAULTS: readonly Fault[] = [
  // In-process: what is caught without isolation.
  { fixture: 'trap', toolchain: 'asc', isolation: 'in-process', input: utf8('!boom'), code: 'PLUGIN_TRAPPED', restarts: false, recovery: echo('ok') },
  { fixture: 'abort', toolchain: 'asc', isolation: 'in-process', input: utf8('x'), code: 'PLUGIN_TRAPPED', restarts: false },
  { fixture: 'grow-memory', toolchain: 'asc', isolation: 'in-process', options: { maxMemoryPages: 64 }, input: utf8('x'), code: 'PLUGIN_MEMORY_LIMIT', restarts: false },
  { fixture: 'stack-overflow', toolchain: 'clang-wasm', isolation: 'in-process', input: utf8('x'), code: 'PLUGIN_TRAPPED', restarts: false },
  { fixture: 'out-len-lie', toolchain: 'clang-wasm', isolation: 'in-process', input: utf8('x'), code: 'PLUGIN_ABI_VIOLATION', restarts: false },
  { fixture: 'out-len-lie', toolchain: 'cc', isolation: 'in-process', input: utf8('x'), code: 'PLUGIN_ABI_VIOLATION', restarts: false },
  // Metered Wasm in-process: a hang stops at timeoutMs, the instance is re-created, no restart.
  { fixture: 'endless-loop', toolchain: 'asc', isolation: 'in-process', options: FAST, input: utf8('x'), code: 'PLUGIN_TIMEOUT', restarts: false },
  { fixture: 'endless-loop', toolchain: 'clang-wasm', isolation: 'in-process', options: FAST, input: utf8('x'), code: 'PLUGIN_TIMEOUT', restarts: false },
  { fixture: 'spin-on-demand', toolchain: 'asc', isolation: 'in-process', options: FAST, input: utf8('!spin'), code: 'PLUGIN_TIMEOUT', restarts: false, recovery: echo('ok') },
  // Wasm in a worker.
  { fixture: 'trap', toolchain: 'asc', isolation: 'worker', input: utf8('!boom'), code: 'PLUGIN_TRAPPED', restarts: false, recovery: echo('ok') },
  { fixture: 'stateful', toolchain: 'asc', isolation: 'worker', input: utf8('!'), code: 'PLUGIN_TRAPPED', restarts: false, recovery: { input: utf8('x'), output: new Uint8Array([0, 0, 0, 1]) } },
  { fixture: 'abort', toolchain: 'asc', isolation: 'worker', input: utf8('x'), code: 'PLUGIN_TRAPPED', restarts: false },
  { fixture: 'abort', toolchain: 'clang-wasm', isolation: 'worker', input: utf8('x'), code: 'PLUGIN_TRAPPED', restarts: false },
  { fixture: 'endless-loop', toolchain: 'asc', isolation: 'worker', options: FAST, input: utf8('x'), code: 'PLUGIN_TIMEOUT', restarts: true },
  { fixture: 'endless-loop', toolchain: 'clang-wasm', isolation: 'worker', options: FAST, input: utf8('x'), code: 'PLUGIN_TIMEOUT', restarts: true },
  { fixture: 'grow-memory', toolchain: 'asc', isolation: 'worker', options: { maxMemoryPages: 64 }, input: utf8('x'), code: 'PLUGIN_MEMORY_LIMIT', restarts: false },
  { fixture: 'grow-memory', toolchain: 'clang-wasm', isolation: 'worker', options: { maxMemoryPages: 64 }, input: utf8('x'), code: 'PLUGIN_MEMORY_LIMIT', restarts: false },
  { fixture: 'stack-overflow', toolchain: 'clang-wasm', isolation: 'worker', input: utf8('x'), code: 'PLUGIN_TRAPPED', restarts: false },
  { fixture: 'out-len-lie', toolchain: 'clang-wasm', isolation: 'worker', input: utf8('x'), code: 'PLUGIN_ABI_VIOLATION', restarts: false },
  // Native in a child process.
  { fixture: 'null-deref', toolchain: 'cc', isolation: 'process', input: utf8('x'), code: 'PLUGIN_CRASHED', restarts: true },
  { fixture: 'stack-overflow', toolchain: 'cc', isolation: 'process', input: utf8('x'), code: 'PLUGIN_CRASHED', restarts: true },
  { fixture: 'abort', toolchain: 'cc', isolation: 'process', input: utf8('x'), code: 'PLUGIN_CRASHED', restarts: true },
  { fixture: 'endless-loop', toolchain: 'cc', isolation: 'process', options: FAST, input: utf8('x'), code: 'PLUGIN_TIMEOUT', restarts: true },
  { fixture: 'slow', toolchain: 'cc', isolation: 'process', options: { timeoutMs: 100 }, input: new Uint8Array([250, 250]), code: 'PLUGIN_TIMEOUT', restarts: true, recovery: { input: new Uint8Array([0, 1]), output: new Uint8Array([0, 1]) } },
  { fixture: 'out-len-lie', toolchain: 'cc', isolation: 'process', input: utf8('x'), code: 'PLUGIN_ABI_VIOLATION', restarts: false },
  // Wasm in a child process.
  { fixture: 'trap', toolchain: 'asc', isolation: 'process', input: utf8('!boom'), code: 'PLUGIN_TRAPPED', restarts: false, recovery: echo('ok') },
  { fixture: 'endless-loop', toolchain: 'asc', isolation: 'process', options: FAST, input: utf8('x'), code: 'PLUGIN_TIMEOUT', restarts: true },
  { fixture: 'grow-memory', toolchain: 'asc', isolation: 'process', options: { maxMemoryPages: 64 }, input: utf8('x'), code: 'PLUGIN_MEMORY_LIMIT', restarts: false },
];
