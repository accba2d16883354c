// Runs a module the way Binaryen's fuzz shell does, recording everything it can observe: each
// export's result or trap, every value it logs, and its memory and globals at the end. Run once
// as generated and once metered, the records must agree.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { METER_IMPORT } from '../meter.js';

/** The proposals both Binaryen 108's generator and Node 20's V8 implement the same way. */
export const FUZZ_FEATURES = [
  '--enable-simd',
  '--enable-bulk-memory',
  '--enable-sign-ext',
  '--enable-nontrapping-float-to-int',
  '--enable-multivalue',
  '--enable-tail-call',
  '--enable-exception-handling',
  '--enable-mutable-globals',
  '--enable-threads',
];

/**
 * Debian's wasm-opt (binaryen 108), not the JS build AssemblyScript's own binaryen dependency
 * puts on an npm script's PATH (node_modules/.bin), whose generator is another version.
 */
const WASM_OPT = (process.env.PATH ?? '')
  .split(delimiter)
  .filter((dir) => dir !== '' && !dir.includes('node_modules'))
  .map((dir) => join(dir, 'wasm-opt'))
  .find((path) => existsSync(path));

export function hasWasmOpt(): boolean {
  return WASM_OPT !== undefined;
}

/** A valid module made from `seed` bytes by `wasm-opt -ttf` (Binaryen's translate-to-fuzz). */
export function generateModule(seed: Uint8Array): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'twinplug-ttf-'));
  try {
    writeFileSync(join(dir, 'seed'), seed);
    const result = spawnSync(
      WASM_OPT ?? 'wasm-opt',
      ['-ttf', join(dir, 'seed'), '-o', join(dir, 'out.wasm'), ...FUZZ_FEATURES],
      { encoding: 'utf8' },
    );
    if (result.status !== 0) throw new Error(`wasm-opt -ttf failed: ${result.stderr}`);
    return new Uint8Array(readFileSync(join(dir, 'out.wasm')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface RunRecord {
  /** One entry per export call: its name and result, or the error it threw. */
  readonly calls: string[];
  /** The values the module logged through its imports, in order. */
  readonly log: string[];
  /** Exported memories' sha256 and globals' values after the last call. */
  readonly memories: string[];
  readonly globals: string[];
}

function show(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (Array.isArray(value)) return `[${value.map(show).join(',')}]`;
  return typeof value;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.constructor.name}: ${error.message}` : String(error);
}

/** The allowance the metered module's check import answers (0 stops it with a trap). */
export type CheckImport = () => number;

/**
 * Instantiates and runs a module: before each exported function, `hangLimitInitializer` (the
 * generator's own bound on loops and recursion) when there is one. Returns undefined for a
 * module importing something other than functions.
 */
export function runModule(bytes: Uint8Array, check?: CheckImport): RunRecord | undefined {
  const module = new WebAssembly.Module(bytes);
  const log: string[] = [];
  const imports: Record<string, Record<string, unknown>> = Object.create(null);
  for (const entry of WebAssembly.Module.imports(module)) {
    if (entry.kind !== 'function') return undefined;
    imports[entry.module] ??= Object.create(null);
    imports[entry.module]![entry.name] =
      entry.module === METER_IMPORT.module
        ? check
        : (...args: unknown[]) => {
            log.push(`${entry.name}(${args.map(show).join(',')})`);
          };
  }
  const calls: string[] = [];
  let instance: WebAssembly.Instance;
  try {
    instance = new WebAssembly.Instance(module, imports as WebAssembly.Imports);
  } catch (error) {
    return { calls: [`start: ${describe(error)}`], log, memories: [], globals: [] };
  }
  const exports = instance.exports as Record<string, unknown>;
  const reset = exports.hangLimitInitializer as (() => void) | undefined;
  for (const [name, value] of Object.entries(exports)) {
    if (typeof value !== 'function' || name === 'hangLimitInitializer') continue;
    try {
      reset?.();
      calls.push(`${name} = ${show(value())}`);
    } catch (error) {
      calls.push(`${name} ! ${describe(error)}`);
    }
  }
  const memories: string[] = [];
  const globals: string[] = [];
  for (const [name, value] of Object.entries(exports)) {
    if (value instanceof WebAssembly.Memory)
      memories.push(createHash('sha256').update(new Uint8Array(value.buffer)).digest('hex'));
    if (value instanceof WebAssembly.Global) {
      try {
        globals.push(`${name} = ${show(value.value)}`);
      } catch (error) {
        globals.push(`${name} ! ${describe(error)}`);
      }
    }
  }
  return { calls, log, memories, globals };
}

export function hasWat2Wasm(): boolean {
  return spawnSync('wat2wasm', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** Assembles a text module with wabt's wat2wasm, keeping names (the name section). */
export function assemble(path: string): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'twinplug-wat-'));
  try {
    const out = join(dir, 'out.wasm');
    const result = spawnSync(
      'wat2wasm',
      ['--enable-tail-call', '--enable-exceptions', '--debug-names', path, '-o', out],
      {
        encoding: 'utf8',
      },
    );
    if (result.status !== 0) throw new Error(`wat2wasm failed: ${result.stderr}`);
    return new Uint8Array(readFileSync(out));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
