import { describe, expect, it } from 'vitest';
import {
  describeStep,
  firstDifference,
  HostTraceRecorder,
  previewBytes,
  type RecordedHostCall,
  sideEffects,
} from './host-trace.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const call = (op: string, int: number, args: string[], status = 0, data?: string) =>
  ({
    op,
    int,
    args: args.map(bytes),
    status,
    ...(data === undefined ? {} : { data: bytes(data) }),
  }) satisfies RecordedHostCall;

describe('sideEffects', () => {
  it('names log calls by level, turns WASI stdout and stderr lines into log lines, and leaves out clock and random', () => {
    const steps = sideEffects([
      call('clock', 1, [], 0, '12345678'),
      call('log', 1, ['a line']),
      call('wasi_write', 1, ['a line']),
      call('wasi_write', 2, ['oops']),
      call('random', 16, [], 0, 'x'.repeat(16)),
      call('log', 3, ['bad']),
      call('kv_get', 0, ['total'], -6),
    ]);
    expect(steps.map((step) => step.call)).toEqual([
      'log.info',
      'log.info',
      'log.warn',
      'log.error',
      'kv_get',
    ]);
  });
});

describe('firstDifference', () => {
  const reference = sideEffects([
    call('kv_get', 0, ['visits:bob'], 0, '1'),
    call('kv_set', 0, ['visits:bob', '2']),
    call('log', 1, ['visit 2 from bob']),
  ]);

  it('finds nothing in the same side effects, however they reached the host', () => {
    const printf = sideEffects([
      call('kv_get', 0, ['visits:bob'], 0, '1'),
      call('kv_set', 0, ['visits:bob', '2']),
      call('wasi_write', 1, ['visit 2 from bob']),
    ]);
    expect(firstDifference(reference, printf)).toBeUndefined();
  });

  it.each([
    ['another key', call('kv_set', 0, ['visit:bob', '2'])],
    ['another value', call('kv_set', 0, ['visits:bob', '3'])],
    ['another status', call('kv_set', 0, ['visits:bob', '2'], -5)],
    ['another call', call('kv_delete', 0, ['visits:bob'])],
  ])('reports the first differing call: %s', (_label, second) => {
    const other = sideEffects([
      call('kv_get', 0, ['visits:bob'], 0, '1'),
      second,
      call('log', 1, ['visit 2 from bob']),
    ]);
    const difference = firstDifference(reference, other);
    expect(difference).toMatchObject({ index: 1, expected: reference[1], lengths: [3, 3] });
    expect(difference?.actual?.args).toEqual(second.args);
  });

  it("ignores a log line's status: the host drops lines over its rate by the clock", () => {
    const dropped = sideEffects([
      call('kv_get', 0, ['visits:bob'], 0, '1'),
      call('kv_set', 0, ['visits:bob', '2']),
      call('wasi_write', 1, ['visit 2 from bob'], -9),
    ]);
    expect(firstDifference(reference, dropped)).toBeUndefined();
  });

  it('reports a missing or an extra call at the end, and different data returned', () => {
    expect(firstDifference(reference, reference.slice(0, 2))).toMatchObject({
      index: 2,
      actual: undefined,
      lengths: [3, 2],
    });
    expect(firstDifference(reference.slice(0, 1), reference)).toMatchObject({
      index: 1,
      expected: undefined,
    });
    const other = sideEffects([call('kv_get', 0, ['visits:bob'], 0, '7')]);
    expect(firstDifference(reference.slice(0, 1), other)?.index).toBe(0);
  });
});

describe('describeStep', () => {
  it('shows text as JSON strings, other bytes as hex, long ones cut, and what the host returned', () => {
    const [get, set] = sideEffects([
      call('kv_get', 0, ['total'], 0, '12'),
      { op: 'kv_set', int: 0, args: [new Uint8Array([0, 255]), bytes('"q"')], status: 0 },
    ]);
    expect(describeStep(get)).toBe('kv_get("total") = 0 -> "12"');
    expect(describeStep(set)).toBe('kv_set(0x00ff, "\\"q\\"") = 0');
    expect(describeStep(undefined)).toBe('(no call)');
    expect(previewBytes(bytes('a'.repeat(100)))).toBe(`"${'a'.repeat(60)}"…(100 bytes)`);
  });
});

describe('HostTraceRecorder', () => {
  it('hands over the calls recorded since the last take', () => {
    const recorder = new HostTraceRecorder();
    recorder.record(call('log', 1, ['one']));
    expect(recorder.take()).toHaveLength(1);
    recorder.record(call('log', 1, ['two']));
    recorder.record(call('log', 1, ['three']));
    expect(recorder.take().map((entry) => entry.args[0])).toEqual([bytes('two'), bytes('three')]);
    expect(recorder.take()).toEqual([]);
  });
});
