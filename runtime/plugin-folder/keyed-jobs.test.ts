import { describe, expect, it } from 'vitest';
import { KeyedJobs } from './keyed-jobs.js';

function recorder() {
  const runs: string[] = [];
  let release: (() => void) | undefined;
  let hold = false;
  const run = async (key: string) => {
    runs.push(key);
    if (hold) await new Promise<void>((resolve) => (release = resolve));
  };
  return {
    runs,
    run,
    hold: (value: boolean) => (hold = value),
    release: () => release?.(),
  };
}

describe('keyed jobs', () => {
  it('runs a burst of schedules for one key once', async () => {
    const rec = recorder();
    const jobs = new KeyedJobs(rec.run, 5, () => {});
    for (let index = 0; index < 10; index += 1) jobs.schedule('a');
    jobs.schedule('b');
    await jobs.whenIdle();
    expect(rec.runs.sort()).toEqual(['a', 'b']);
  });

  it('never runs one key twice at once: a schedule during a run makes one more run after it', async () => {
    const rec = recorder();
    const jobs = new KeyedJobs(rec.run, 0, () => {});
    rec.hold(true);
    jobs.schedule('a');
    while (rec.runs.length === 0) await new Promise((resolve) => setImmediate(resolve));
    jobs.schedule('a');
    jobs.schedule('a');
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(rec.runs).toEqual(['a']);
    rec.hold(false);
    rec.release();
    await jobs.whenIdle();
    expect(rec.runs).toEqual(['a', 'a']);
  });

  it('reports a failing run and carries on', async () => {
    const errors: unknown[] = [];
    const jobs = new KeyedJobs(
      async (key) => {
        if (key === 'bad') throw new Error('boom');
      },
      0,
      (error) => errors.push(error),
    );
    jobs.schedule('bad');
    jobs.schedule('good');
    await jobs.whenIdle();
    expect(errors).toHaveLength(1);
  });

  it('drops pending runs on close', async () => {
    const rec = recorder();
    const jobs = new KeyedJobs(rec.run, 50, () => {});
    jobs.schedule('a');
    await jobs.close();
    jobs.schedule('b');
    await jobs.whenIdle();
    expect(rec.runs).toEqual([]);
  });
});
