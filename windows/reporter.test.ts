import { describe, expect, it } from 'vitest';
import jsonLines from './reporter.js';

async function* events(list: readonly { type: string; data: object }[]) {
  yield* list;
}

async function lines(list: readonly { type: string; data: object }[]): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const line of jsonLines(events(list))) out.push(JSON.parse(line));
  return out;
}

describe('the Windows suite reporter', () => {
  it('writes each finished test with its suite path, status and failure, then the totals', async () => {
    const file = 'Z:\\repo\\dist\\windows\\suite\\a.win-test.js';
    const written = await lines([
      { type: 'test:start', data: { name: 'suite', nesting: 0, file } },
      { type: 'test:start', data: { name: 'passes', nesting: 1, file } },
      {
        type: 'test:pass',
        data: { name: 'passes', nesting: 1, file, details: { duration_ms: 2 } },
      },
      { type: 'test:start', data: { name: 'fails', nesting: 1, file } },
      {
        type: 'test:fail',
        data: {
          name: 'fails',
          nesting: 1,
          file,
          details: { error: { message: 'test failed', cause: new Error('1 !== 2') } },
        },
      },
      { type: 'test:start', data: { name: 'skipped', nesting: 1, file } },
      { type: 'test:pass', data: { name: 'skipped', nesting: 1, file, skip: 'no reason' } },
      { type: 'test:fail', data: { name: 'suite', nesting: 0, file, details: { type: 'suite' } } },
      { type: 'test:diagnostic', data: { nesting: 0, message: 'tests 3' } },
      { type: 'test:diagnostic', data: { nesting: 0, message: 'fail 1' } },
      { type: 'test:diagnostic', data: { nesting: 1, message: 'tests 99' } },
    ]);
    expect(written).toEqual([
      { type: 'test', kind: 'test', status: 'pass', name: 'suite > passes', file, durationMs: 2 },
      {
        type: 'test',
        kind: 'test',
        status: 'fail',
        name: 'suite > fails',
        file,
        error: 'test failed: 1 !== 2',
      },
      { type: 'test', kind: 'test', status: 'skip', name: 'suite > skipped', file },
      { type: 'test', kind: 'suite', status: 'fail', name: 'suite', file, error: '' },
      { type: 'totals', tests: 3, fail: 1 },
    ]);
  });
});
