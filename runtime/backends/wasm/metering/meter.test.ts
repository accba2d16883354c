import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isPluginError } from '../../../errors.js';
import { seededRandom } from '../../../test-support/mutate.js';
import { meter } from './meter.js';
import {
  assemble,
  generateModule,
  hasWasmOpt,
  hasWat2Wasm,
  type RunRecord,
  runModule,
} from './test-support/differential.js';

// The proof that metering keeps a module's meaning: random valid modules from Binaryen's
// generator run as generated and metered must agree on every result, trap, logged value,
// memory byte and global, with the check answering a large allowance, an allowance of one
// tick (the refill path at every tick, with loops leaving through their refill every other
// iteration), and a budget that runs out (then the metered run stops with a trap and agrees up
// to there). TWINPLUG_METER_FUZZ=2000 runs more modules.

const SEED = Number(process.env.TWINPLUG_METER_FUZZ_SEED ?? 0x6d657465);
const COUNT = Number(process.env.TWINPLUG_METER_FUZZ ?? 40);
const NO_WASM_OPT = 'wasm-opt (Debian binaryen) is not installed: scripts/install-toolchains.sh';
const NO_WABT = 'wat2wasm (Debian wabt) is not installed: scripts/install-toolchains.sh';

function randomSeed(random: () => number): Uint8Array {
  const length = 1_000 + Math.floor(random() * 20_000);
  return Uint8Array.from({ length }, () => Math.floor(random() * 256));
}

/**
 * A metered run whose budget ran out agrees with the plain run up to its budget trap: the same
 * calls before it, and a log that is the start of the plain run's (once the host answers 0,
 * every later call traps at its first tick, before it can log). The trap can fall in a call
 * that also traps in the plain run, after the plain run logged more.
 */
function expectPrefix(metered: RunRecord, plain: RunRecord, budgetRanOut: boolean): void {
  if (!budgetRanOut) {
    expect(metered).toEqual(plain);
    return;
  }
  const stop = metered.calls.findIndex((call, index) => call !== plain.calls[index]);
  const trapped = metered.calls.findIndex((call) => /RuntimeError: unreachable/.test(call));
  expect(trapped).toBeGreaterThanOrEqual(0);
  if (stop !== -1) expect(stop).toBeGreaterThanOrEqual(trapped);
  expect(plain.log.slice(0, metered.log.length)).toEqual(metered.log);
}

describe('meter: differential fuzz', () => {
  it.skipIf(!hasWasmOpt())(
    `${COUNT} random valid modules (wasm-opt -ttf, seed ${SEED}) behave the same metered${hasWasmOpt() ? '' : ` (skipped: ${NO_WASM_OPT})`}`,
    { timeout: Math.max(120_000, COUNT * 1_000) },
    () => {
      const random = seededRandom(SEED);
      let budgetTraps = 0;
      for (let index = 0; index < COUNT; index += 1) {
        const bytes = generateModule(randomSeed(random));
        const metered = meter(bytes);
        // Loops leave and re-enter through their refill every other iteration.
        const tight = meter(bytes, { loopTicksPerRefill: 2 });
        expect(WebAssembly.validate(metered), `module ${index}`).toBe(true);
        expect(WebAssembly.validate(tight), `module ${index}`).toBe(true);
        const plain = runModule(bytes);
        if (plain === undefined) throw new Error(`module ${index} imports more than functions`);
        expect(
          runModule(metered, () => 10_000),
          `module ${index}`,
        ).toEqual(plain);
        expect(
          runModule(tight, () => 1),
          `module ${index}`,
        ).toEqual(plain);
        let budget = 2 + Math.floor(random() * 50);
        const limited = runModule(tight, () => (--budget > 0 ? 1 : 0))!;
        if (budget <= 0) budgetTraps += 1;
        expectPrefix(limited, plain, budget <= 0);
      }
      // The budget runs out in some modules, so the trap path is exercised too.
      expect(budgetTraps).toBeGreaterThan(0);
    },
  );

  it.skipIf(!hasWat2Wasm())(
    `every kind of function index is shifted past the added import; names are kept${hasWat2Wasm() ? '' : ` (skipped: ${NO_WABT})`}`,
    () => {
      const bytes = assemble(join(import.meta.dirname, 'test-support', 'index-shifts.wat'));
      const run = (module: Uint8Array) => {
        const log: number[] = [];
        const instance = new WebAssembly.Instance(new WebAssembly.Module(module), {
          host: { log: (value: number) => log.push(value), twice: (value: number) => value * 2 },
          twinplug_meter: { check: () => 1 },
        });
        const exports = instance.exports as Record<string, unknown>;
        const table = exports.table as WebAssembly.Table;
        const results = [
          (exports.run as (n: number) => number)(10),
          (exports.seven as (n: number) => number)(1),
          (table.get(0) as (n: number) => number)(5),
        ];
        (exports.fill as (n: number) => void)(1000);
        let trapped = '';
        try {
          (exports.boom as () => number)();
        } catch (error) {
          // The function's name, read from the name section, in the stack's first frame.
          trapped = (error as Error).stack!.split('\n')[1]!.trim().split(' ')[1]!;
        }
        const memory = new Uint8Array((exports.memory as WebAssembly.Memory).buffer);
        return {
          results,
          log,
          trapped,
          memory: Buffer.from(memory.subarray(0, 1200)).toString('hex'),
        };
      };
      const plain = run(bytes);
      expect(plain).toMatchObject({ results: [375, 8, 12], log: [1, 363], trapped: 'boom' });
      expect(run(meter(bytes))).toEqual(plain);
    },
  );
});

describe('meter: loops', () => {
  const LOOPS = join(import.meta.dirname, 'test-support', 'loop-labels.wat');
  const EXPORTS = ['nested', 'table', 'result', 'param', 'exceptions', 'delegates'] as const;

  /** Each export's answers for a few loop counts, and how many times the meter asked the host. */
  function runLoops(module: Uint8Array, allowance?: number) {
    let checks = 0;
    const imports =
      allowance === undefined
        ? {}
        : {
            twinplug_meter: {
              check: () => {
                checks += 1;
                return allowance;
              },
            },
          };
    const exports = new WebAssembly.Instance(new WebAssembly.Module(module), imports)
      .exports as Record<string, (n: number) => number>;
    const answers = EXPORTS.map((name) => [3, 10, 1000].map((n) => exports[name]!(n)));
    const countChecks = (name: string, n: number) => {
      checks = 0;
      exports[name]!(n);
      return checks;
    };
    return { answers, countChecks };
  }

  it.skipIf(!hasWat2Wasm())(
    `branches across wrapped loops, loop results, parameter loops and exceptions keep their meaning${hasWat2Wasm() ? '' : ` (skipped: ${NO_WABT})`}`,
    () => {
      const bytes = assemble(LOOPS);
      const plain = runLoops(bytes).answers;
      expect(plain[0]).toEqual([3009, 12025, 1002056]);
      expect(plain[5]).toEqual([3, 70000, 70000]);
      for (const options of [{}, { loopTicksPerRefill: 2 }, { loopTicksPerRefill: 3 }])
        for (const allowance of [1, 10_000])
          expect(runLoops(meter(bytes, options), allowance).answers).toEqual(plain);
    },
  );

  it.skipIf(!hasWat2Wasm())(
    'a wrapped loop charges the counter global once per allowance; a parameter loop every iteration',
    () => {
      const { countChecks } = runLoops(meter(assemble(LOOPS)), 1);
      // Each runs one loop n times. The host is asked when the global goes below zero, so an
      // allowance of one tick lasts two: a tick per iteration would ask it n / 2 times.
      const n = 100_000;
      expect(countChecks('result', n)).toBeLessThan(n / 200);
      expect(countChecks('param', n)).toBeGreaterThanOrEqual(n / 2);
    },
  );

  it('stops an endless wrapped loop when the host answers 0', () => {
    // (module (func (export "endless") (loop $l (br $l))))
    const bytes = Uint8Array.of(
      ...[0, 0x61, 0x73, 0x6d, 1, 0, 0, 0],
      ...[1, 4, 1, 0x60, 0, 0],
      ...[3, 2, 1, 0],
      ...[7, 11, 1, 7, ...new TextEncoder().encode('endless'), 0, 0],
      ...[10, 9, 1, 7, 0, 0x03, 0x40, 0x0c, 0x00, 0x0b, 0x0b],
    );
    expect(WebAssembly.validate(bytes)).toBe(true);
    let checks = 0;
    const instance = new WebAssembly.Instance(new WebAssembly.Module(meter(bytes)), {
      twinplug_meter: { check: () => (++checks < 50 ? 1_000 : 0) },
    });
    expect(() => (instance.exports.endless as () => void)()).toThrow(/unreachable/);
    expect(checks).toBe(50);
  });

  it('refuses a loop allowance below 2 or not an integer', () => {
    const bytes = Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0);
    for (const loopTicksPerRefill of [1, 0, 2.5, 2 ** 21])
      expect(() => meter(bytes, { loopTicksPerRefill })).toThrow(
        expect.objectContaining({ code: 'PLUGIN_INVALID_OPTIONS' }),
      );
  });
});

describe('meter: what it refuses', () => {
  it('bytes that are not a module, or cut short, are PLUGIN_LOAD_FAILED', () => {
    for (const bytes of [
      new Uint8Array([1, 2, 3]),
      Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 10, 5, 1),
      Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 10, 4, 1, 2, 0, 0xff),
    ]) {
      expect(() => meter(bytes)).toThrow(expect.objectContaining({ code: 'PLUGIN_LOAD_FAILED' }));
    }
  });

  it("a module importing from the meter's own module is PLUGIN_IMPORT_UNSUPPORTED", () => {
    // (module (import "twinplug_meter" "check" (func (result i32))) (func))
    const name = [...new TextEncoder().encode('twinplug_meter')];
    const check = [...new TextEncoder().encode('check')];
    const imports = [1, name.length, ...name, check.length, ...check, 0, 0];
    const bytes = Uint8Array.of(
      ...[0, 0x61, 0x73, 0x6d, 1, 0, 0, 0],
      ...[1, 8, 2, 0x60, 0, 1, 0x7f, 0x60, 0, 0],
      ...[2, imports.length, ...imports],
      ...[3, 2, 1, 1],
      ...[10, 4, 1, 2, 0, 0x0b],
    );
    expect(WebAssembly.validate(bytes)).toBe(true);
    let error: unknown;
    try {
      meter(bytes);
    } catch (caught) {
      error = caught;
    }
    expect(isPluginError(error, 'PLUGIN_IMPORT_UNSUPPORTED')).toBe(true);
  });

  it('a module without code is returned unchanged', () => {
    const bytes = Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 5, 3, 1, 0, 1);
    expect(meter(bytes)).toBe(bytes);
  });
});
