import { describe, expect, it } from 'vitest';
import { STDERR_BUDGET_BYTES, STDERR_TAIL_BYTES, StderrForwarder } from './stderr-forwarder.js';

const chunk = (text: string) => Buffer.from(text, 'utf8');

describe('StderrForwarder', () => {
  it('prefixes every line with the plugin name, across chunk boundaries', () => {
    const out: string[] = [];
    const forwarder = new StderrForwarder('p.so', (text) => out.push(text));
    forwarder.push(chunk('one\ntw'));
    forwarder.push(chunk('o\nthree\n'));
    expect(out.join('')).toBe('[p.so] one\n[p.so] two\n[p.so] three\n');
  });

  it('forwards at most the budget per window, then says how much it dropped', () => {
    const out: string[] = [];
    const forwarder = new StderrForwarder('flood', (text) => out.push(text));
    const line = `${'E'.repeat(63)}\n`;
    for (let index = 0; index < 16384; index += 1) forwarder.push(chunk(line)); // 1 MiB
    forwarder.flush();
    const forwarded = out.join('');
    const body = forwarded.replaceAll('[flood] ', '');
    expect(body.length).toBeLessThanOrEqual(STDERR_BUDGET_BYTES + 200);
    expect(forwarded).toMatch(/\.\.\. \d+ characters of output dropped\n$/);
    const dropped = Number(/(\d+) characters/.exec(forwarded)![1]);
    expect(dropped).toBe(1024 * 1024 - STDERR_BUDGET_BYTES);
    expect(forwarder.tail.length).toBe(STDERR_TAIL_BYTES);
  });

  it('keeps a multi-byte character split across chunks whole', () => {
    const out: string[] = [];
    const forwarder = new StderrForwarder('u', (text) => out.push(text));
    const bytes = chunk('é\n');
    forwarder.push(bytes.subarray(0, 1));
    forwarder.push(bytes.subarray(1));
    expect(out.join('')).toBe('[u] é\n');
  });
});
