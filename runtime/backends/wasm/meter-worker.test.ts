import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { largeWasmModule } from '../../../scripts/large-wasm-module.js';
import { isPluginError, type PluginError } from '../../errors.js';
import { artifact } from '../../test-support/artifacts.js';
import { meterValid } from './meter-valid.js';
import { MeterWorker } from './meter-worker.js';

const LARGE = largeWasmModule(512 * 1024);

/** A module with code that imports the meter's own check: valid, and refused by the meter. */
const IMPORTS_THE_METER = Uint8Array.from([
  ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
  ...[0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f],
  ...[0x02, 0x18, 0x01, 0x0e, ...new TextEncoder().encode('twinplug_meter')],
  ...[0x05, ...new TextEncoder().encode('check'), 0x00, 0x00],
  ...[0x03, 0x02, 0x01, 0x00],
  ...[0x0a, 0x06, 0x01, 0x04, 0x00, 0x41, 0x00, 0x0b],
]);

/** The large module with its last function body's `end` made an unknown opcode. */
function corrupted(bytes: Uint8Array): Uint8Array {
  const copy = bytes.slice();
  copy[copy.length - 1] = 0xff;
  return copy;
}

async function refusal(run: Promise<unknown>): Promise<Pick<PluginError, 'code' | 'message'>> {
  const error = await run.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!isPluginError(error)) throw new Error(`expected a PluginError, got ${String(error)}`);
  return { code: error.code, message: error.message };
}

describe('the metering worker', () => {
  const worker = new MeterWorker();
  afterAll(() => worker.terminate());

  it('answers the bytes the loading thread gets, byte for byte', async () => {
    const modules = [
      LARGE,
      readFileSync(artifact('upper', 'asc')),
      readFileSync(artifact('crc32', 'asc')),
      readFileSync(artifact('trap', 'asc', 'fixture')),
    ];
    for (const bytes of modules) {
      const here = await meterValid(bytes);
      const there = await worker.meter(bytes.slice());
      expect(there.length).toBeGreaterThan(bytes.length);
      expect(Buffer.from(there).equals(Buffer.from(here))).toBe(true);
    }
  });

  it('takes a whole buffer over without a copy, and copies a view into a larger one', async () => {
    const whole = LARGE.slice();
    const metering = worker.meter(whole);
    expect(whole.byteLength).toBe(0); // moved to the worker
    const padded = new Uint8Array(LARGE.length + 16);
    padded.set(LARGE, 8);
    const view = padded.subarray(8, 8 + LARGE.length);
    const expected = await meterValid(LARGE);
    expect(Buffer.from(await worker.meter(view)).equals(expected)).toBe(true);
    expect(Buffer.from(view).equals(LARGE)).toBe(true); // left as it was
    // A Buffer's slice is a view, not a copy: its pool must not be handed over either.
    const pooled = Buffer.from(padded.buffer, 8, LARGE.length);
    expect(Buffer.from(await worker.meter(pooled)).equals(expected)).toBe(true);
    expect(pooled.equals(LARGE)).toBe(true);
    expect(Buffer.from(await metering).equals(expected)).toBe(true);
  });

  it('refuses what the loading thread refuses, with the same code and message', async () => {
    const cases: [Uint8Array, string][] = [
      [corrupted(LARGE), 'PLUGIN_FORMAT_INVALID'],
      [LARGE.subarray(0, LARGE.length - 1000), 'PLUGIN_FORMAT_INVALID'],
      [IMPORTS_THE_METER, 'PLUGIN_IMPORT_UNSUPPORTED'],
    ];
    for (const [bytes, code] of cases) {
      const here = await refusal(meterValid(bytes));
      expect(here.code).toBe(code);
      expect(await refusal(worker.meter(bytes.slice()))).toEqual(here);
    }
    // The worker that refused them still serves.
    const metered = await worker.meter(LARGE.slice());
    expect(Buffer.from(metered).equals(await meterValid(LARGE))).toBe(true);
  });

  it('a worker ended mid-request fails it with PLUGIN_LOAD_FAILED; the next request starts another', async () => {
    const held = worker.meter(LARGE.slice());
    expect(worker.pending).toBe(1);
    await worker.terminate();
    expect(await refusal(held)).toMatchObject({ code: 'PLUGIN_LOAD_FAILED' });
    expect(worker.pending).toBe(0);
    const metered = await worker.meter(LARGE.slice());
    expect(Buffer.from(metered).equals(await meterValid(LARGE))).toBe(true);
  });

  it('a worker left idle is ended; the next request starts another', async () => {
    const brief = new MeterWorker({ idleMs: 1 });
    const expected = await meterValid(LARGE);
    expect(Buffer.from(await brief.meter(LARGE.slice())).equals(expected)).toBe(true);
    while (brief.running) await new Promise((next) => setImmediate(next));
    expect(Buffer.from(await brief.meter(LARGE.slice())).equals(expected)).toBe(true);
    expect(brief.running).toBe(true);
    await brief.terminate();
  });

  it('a worker that throws or exits fails its requests with PLUGIN_LOAD_FAILED', async () => {
    const scripts = [
      "import{parentPort}from'node:worker_threads';parentPort.on('message',()=>{throw new Error('boom')})",
      "import{parentPort}from'node:worker_threads';parentPort.on('message',()=>process.exit(7))",
    ];
    for (const script of scripts) {
      const failing = new MeterWorker({ entry: new URL(`data:text/javascript,${script}`) });
      const results = await Promise.allSettled([
        failing.meter(LARGE.slice()),
        failing.meter(LARGE.slice()),
      ]);
      for (const result of results) {
        expect(result.status).toBe('rejected');
        const reason = (result as PromiseRejectedResult).reason as PluginError;
        expect(reason.code).toBe('PLUGIN_LOAD_FAILED');
      }
      expect(failing.pending).toBe(0);
    }
  });
});
