// A node:test reporter (`--test-reporter=dist/windows/reporter.js`) writing one JSON line per
// finished test, and the run's totals, for scripts/test-windows.mjs to read back on Linux.

interface TestEventData {
  readonly name?: string;
  readonly nesting?: number;
  readonly file?: string;
  readonly message?: string;
  readonly skip?: boolean | string;
  readonly todo?: boolean | string;
  readonly details?: {
    readonly type?: 'suite' | 'test';
    readonly duration_ms?: number;
    readonly error?: { readonly message?: string; readonly cause?: unknown };
  };
}

interface TestEvent {
  readonly type: string;
  readonly data: TestEventData;
}

/** The line written for a test or suite that finished. */
export interface ReportedTest {
  readonly kind: 'test' | 'suite';
  readonly status: 'pass' | 'fail' | 'skip';
  readonly name: string;
  readonly file: string | undefined;
  readonly durationMs: number | undefined;
  readonly error?: string;
}

function failureText(data: TestEventData): string {
  const error = data.details?.error;
  const cause = error?.cause;
  const detail = cause instanceof Error ? cause.message : cause === undefined ? '' : String(cause);
  return [error?.message, detail].filter(Boolean).join(': ');
}

export default async function* jsonLines(source: AsyncIterable<TestEvent>): AsyncGenerator<string> {
  // Names of the tests enclosing the current one, by nesting level: test:start comes in
  // definition order, before the test's own result and after its parent's start.
  const path: string[] = [];
  const totals: Record<string, number> = {};
  for await (const { type, data } of source) {
    if (type === 'test:start') {
      path.length = data.nesting ?? 0;
      path.push(data.name ?? '');
    } else if (type === 'test:pass' || type === 'test:fail') {
      const nesting = data.nesting ?? 0;
      const line: ReportedTest = {
        kind: data.details?.type === 'suite' ? 'suite' : 'test',
        status: type === 'test:fail' ? 'fail' : data.skip || data.todo ? 'skip' : 'pass',
        name: [...path.slice(0, nesting), data.name ?? ''].join(' > '),
        file: data.file,
        durationMs: data.details?.duration_ms,
        ...(type === 'test:fail' && { error: failureText(data) }),
      };
      yield `${JSON.stringify({ type: 'test', ...line })}\n`;
    } else if (type === 'test:diagnostic' && (data.nesting ?? 0) === 0) {
      const match = /^(\w+) ([\d.]+)$/.exec(data.message ?? '');
      if (match !== null) totals[match[1]!] = Number(match[2]);
    }
  }
  yield `${JSON.stringify({ type: 'totals', ...totals })}\n`;
}
