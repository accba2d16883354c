import { describe, expect, it } from 'vitest';
import { TP_STATUS } from './api.js';
import { type Capabilities, resolveGrants } from './grants.js';
import { KeptAnswer } from './kept-answer.js';
import { type HostCallRecord, type HostFunction, PluginHost } from './plugin-host.js';
import { wasmCallHost } from './wasm-call-host.js';
import { WasmGuestMemory } from './wasm-memory.js';

const utf8 = (text: string) => new TextEncoder().encode(text);
const PAGE = 65536;
/** Where the test lays out a call in the plugin's memory. */
const NAME = 16;
const INPUT = 256;
const OUT = 512;
const OUT_LEN = 1024;

function setup(
  functions: Record<string, HostFunction>,
  capabilities: Capabilities = { hostFunctions: Object.keys(functions) },
) {
  const records: HostCallRecord[] = [];
  const host = new PluginHost({
    label: 'p',
    grants: resolveGrants(capabilities, undefined),
    functions: new Map(Object.entries(functions)),
    onLog: () => undefined,
    onHostCall: (record) => records.push(record),
  });
  const memory = new WasmGuestMemory();
  memory.memory = new WebAssembly.Memory({ initial: 1, maximum: 4 });
  const callHost = wasmCallHost(host, memory, new KeptAnswer());
  const bytes = () => new Uint8Array(memory.memory!.buffer);
  /** Writes name and input where the test keeps them and calls as a plugin would. */
  const call = (name: Uint8Array | string, input: string, outCap = 64) => {
    const nameBytes = typeof name === 'string' ? utf8(name) : name;
    bytes().set(nameBytes, NAME);
    bytes().set(utf8(input), INPUT);
    return callHost(NAME, nameBytes.length, INPUT, input.length, OUT, outCap, OUT_LEN);
  };
  const outLen = () => new DataView(memory.memory!.buffer).getUint32(OUT_LEN, true);
  const output = () => new TextDecoder().decode(bytes().subarray(OUT, OUT + outLen()));
  return { host, memory, callHost, bytes, call, outLen, output, records };
}

describe('wasmCallHost', () => {
  it('calls the function named in place and writes its output with out_len', () => {
    const seen: string[] = [];
    const { call, output, records } = setup({
      'acme.echo': (input) => {
        seen.push(new TextDecoder().decode(input));
        return utf8(`echo ${new TextDecoder().decode(input)}`);
      },
      'acme.other': () => utf8('other'),
    });
    expect(call('acme.echo', 'hi')).toBe(TP_STATUS.OK);
    expect(output()).toBe('echo hi');
    expect(call('acme.other', '')).toBe(TP_STATUS.OK);
    expect(output()).toBe('other');
    expect(call('acme.echo', 'again')).toBe(TP_STATUS.OK);
    expect(output()).toBe('echo again');
    expect(seen).toEqual(['hi', 'again']);
    expect(records.map((record) => [record.op, record.status, record.args.length])).toEqual([
      ['call_host', 0, 2],
      ['call_host', 0, 2],
      ['call_host', 0, 2],
    ]);
  });

  it('refuses every region outside memory with TP_ERR_BOUNDS and calls nothing', () => {
    let calls = 0;
    const { callHost, call } = setup({
      f: () => {
        calls += 1;
        return utf8('x');
      },
    });
    call('f', '');
    calls = 0;
    const end = PAGE;
    const cases: [number, number, number, number, number, number, number][] = [
      [end - 1, 2, INPUT, 0, OUT, 8, OUT_LEN], // name runs past the end
      [NAME, 1, end, 1, OUT, 8, OUT_LEN], // input starts at the end
      [NAME, 1, INPUT, -1, OUT, 8, OUT_LEN], // a length of 2^32 - 1
      [NAME, 1, INPUT, 0, end - 4, 8, OUT_LEN], // output capacity past the end
      [NAME, 1, INPUT, 0, OUT, 8, end - 3], // out_len's 4 bytes past the end
      [-16, 1, INPUT, 0, OUT, 8, OUT_LEN], // 0xFFFFFFF0
      [NAME, 1, INPUT, 0, OUT, 8, -1],
    ];
    for (const args of cases) expect(callHost(...args)).toBe(TP_STATUS.BOUNDS);
    expect(calls).toBe(0);
  });

  it('answers INVALID, DENIED and NOT_FOUND by the name, "__proto__" included', () => {
    const { call } = setup({ granted: () => utf8('g') }, { hostFunctions: ['granted', 'ghost'] });
    expect(call('granted', '')).toBe(TP_STATUS.OK);
    expect(call('grante', '')).toBe(TP_STATUS.DENIED);
    expect(call('grantedx', '')).toBe(TP_STATUS.DENIED);
    expect(call('__proto__', '')).toBe(TP_STATUS.DENIED);
    expect(call('constructor', '')).toBe(TP_STATUS.DENIED);
    expect(call('ghost', '')).toBe(TP_STATUS.NOT_FOUND);
    expect(call(new Uint8Array([0xff, 0xfe]), '')).toBe(TP_STATUS.INVALID);
    expect(call(new Uint8Array(129).fill(0x61), '')).toBe(TP_STATUS.INVALID);
  });

  it('matches names of every length word by word: one byte off anywhere is another name', () => {
    const names = ['a', 'ab', 'abc', 'abcd', 'abcde', 'abcdefgh', 'acme.lookup', 'abcdefghijkl'];
    const functions = Object.fromEntries(names.map((name) => [name, () => utf8(name)]));
    const { call, output } = setup(functions);
    for (const name of names) {
      expect(call(name, '')).toBe(TP_STATUS.OK);
      expect(output()).toBe(name);
      for (let index = 0; index < name.length; index += 1) {
        const other = utf8(name);
        other[index] = 0x5f;
        expect(call(other, '')).toBe(TP_STATUS.DENIED);
      }
    }
    // The same bytes at an odd offset, and a name that is a prefix of a granted one.
    expect(call('acme.lookupx', '')).toBe(TP_STATUS.DENIED);
    expect(call('acme.looku', '')).toBe(TP_STATUS.DENIED);
  });

  it('reads offsets of 2 GiB and more as unsigned: out of bounds, never a negative index', () => {
    const { callHost } = setup({ f: () => utf8('x') });
    expect(callHost(-2_147_483_648, 1, 0, 0, 512, 8, 1024)).toBe(TP_STATUS.BOUNDS);
    expect(callHost(16, 1, 0, 0, 512, -2_147_483_648, 1024)).toBe(TP_STATUS.BOUNDS);
  });

  it('keeps an output that does not fit for the immediate retry only', () => {
    let calls = 0;
    const { call, outLen, output, records } = setup({
      big: (input) => {
        calls += 1;
        return utf8(`${new TextDecoder().decode(input)}:${'y'.repeat(20)}`);
      },
    });
    expect(call('big', 'a', 4)).toBe(TP_STATUS.BUFFER_TOO_SMALL);
    expect(outLen()).toBe(22);
    expect(call('big', 'a', 22)).toBe(TP_STATUS.OK);
    expect(output()).toBe(`a:${'y'.repeat(20)}`);
    expect(calls).toBe(1);
    expect(records).toHaveLength(1);
    // Another input after a short buffer is a new call, and the kept output is gone.
    expect(call('big', 'b', 4)).toBe(TP_STATUS.BUFFER_TOO_SMALL);
    expect(call('big', 'c', 64)).toBe(TP_STATUS.OK);
    expect(output()).toBe(`c:${'y'.repeat(20)}`);
    expect(call('big', 'b', 64)).toBe(TP_STATUS.OK);
    expect(calls).toBe(4);
  });

  it('hands the function a copy of the input, and follows memory.grow', () => {
    const kept: Uint8Array[] = [];
    const { call, memory, bytes, output } = setup({
      keep: (input) => {
        kept.push(input);
        return utf8('ok');
      },
    });
    call('keep', 'abc');
    bytes().fill(0, INPUT, INPUT + 3);
    expect(new TextDecoder().decode(kept[0])).toBe('abc');
    memory.memory!.grow(1);
    expect(call('keep', 'def')).toBe(TP_STATUS.OK);
    expect(output()).toBe('ok');
  });

  it('answers TP_ERR_CLOSED after close, and a throwing function is TP_ERR_HOST_FAILED', () => {
    const { call, host } = setup({
      fail: () => {
        throw new Error('no');
      },
    });
    expect(call('fail', '')).toBe(TP_STATUS.HOST_FAILED);
    expect(host.stats()).toMatchObject({ hostCalls: 1, hostFunctionErrors: 1 });
    host.close();
    expect(call('fail', '')).toBe(TP_STATUS.CLOSED);
  });
});
