import { describe, expect, it } from 'vitest';
import { createProgressLine } from './progress-line.js';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { isTTY, writes, write: (text: string) => writes.push(text) };
}

describe('createProgressLine', () => {
  it('writes nothing to a log for a run shorter than five seconds', () => {
    let time = 0;
    const stream = fakeStream(false);
    const line = createProgressLine(stream, () => time);
    for (time = 0; time < 4999; time += 500) line.update('fuzz', time, 10_000);
    line.end();
    expect(stream.writes).toEqual([]);
  });

  it('writes one plain line every five seconds to a log', () => {
    let time = 0;
    const stream = fakeStream(false);
    const line = createProgressLine(stream, () => time);
    for (time = 0; time <= 12_000; time += 1000) line.update('fuzz', time / 10, 10_000);
    expect(stream.writes).toEqual([
      'fuzz: 500/10000 (5%), 5 s\n',
      'fuzz: 1000/10000 (10%), 10 s\n',
    ]);
  });

  it('redraws in place on a terminal at most every 100 ms, always at the end, and clears it', () => {
    let time = 0;
    const stream = fakeStream(true);
    const line = createProgressLine(stream, () => time);
    line.update('cases', 1, 4);
    time = 150;
    line.update('cases', 2, 4);
    time = 160;
    line.update('cases', 3, 4);
    line.update('cases', 4, 4);
    line.end();
    expect(stream.writes).toEqual([
      '\r\u001b[Kcases: 2/4 (50%)',
      '\r\u001b[Kcases: 4/4 (100%)',
      '\r\u001b[K',
    ]);
  });
});
