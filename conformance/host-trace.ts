/**
 * A host call as the runtime's recording hook reports it (`onHostCall`): the operation, its
 * integer argument (a log level, a file descriptor...), its byte arguments, the status the host
 * answered and the bytes it returned.
 */
export interface RecordedHostCall {
  readonly op: string;
  readonly int: number;
  readonly args: readonly Uint8Array[];
  readonly status: number;
  readonly data?: Uint8Array | undefined;
}

/** One side effect as conformance compares them: `log.info`, `kv_set`, `call_host`... */
export interface TraceStep {
  readonly call: string;
  readonly args: readonly Uint8Array[];
  readonly status: number;
  readonly data: Uint8Array | undefined;
}

/** Where two artifacts' traces part: the first step that differs (undefined past a trace's end). */
export interface TraceDifference {
  /** 0-based position in the traces. */
  readonly index: number;
  readonly expected: TraceStep | undefined;
  readonly actual: TraceStep | undefined;
  /** How many steps each trace has. */
  readonly lengths: readonly [number, number];
}

const LEVELS = ['debug', 'info', 'warn', 'error'];

/**
 * The side effects of a run of host calls, in order. A line written to WASI stdout or stderr is
 * a log line (`log.info`, `log.warn`), as the host logs it: a Wasm twin's printf and a native
 * twin's tp_log of the same text do the same thing. Clock readings and random bytes are inputs
 * the host supplies only to Wasm (a native twin reads its own), so they are not compared.
 */
export function sideEffects(calls: readonly RecordedHostCall[]): TraceStep[] {
  const steps: TraceStep[] = [];
  for (const { op, int, args, status, data } of calls) {
    if (op === 'clock' || op === 'random') continue;
    let call = op;
    if (op === 'log') call = `log.${LEVELS[int] ?? int}`;
    if (op === 'wasi_write') call = `log.${int === 2 ? 'warn' : 'info'}`;
    steps.push({ call, args, status, data });
  }
  return steps;
}

const same = (a: Uint8Array | undefined, b: Uint8Array | undefined) =>
  a === undefined || b === undefined ? a === b : Buffer.compare(a, b) === 0;

const isLog = (step: TraceStep) => step.call.startsWith('log.');

/**
 * Same call, arguments, status and returned bytes. A log line's status is left out: whether the
 * host dropped it (over its lines per second) depends on the wall clock, not on the plugin.
 */
function sameStep(a: TraceStep, b: TraceStep): boolean {
  return (
    a.call === b.call &&
    (a.status === b.status || isLog(a)) &&
    same(a.data, b.data) &&
    a.args.length === b.args.length &&
    a.args.every((arg, index) => same(arg, b.args[index]))
  );
}

/** The first step where `actual` departs from `expected`, or undefined when they are the same. */
export function firstDifference(
  expected: readonly TraceStep[],
  actual: readonly TraceStep[],
): TraceDifference | undefined {
  const length = Math.max(expected.length, actual.length);
  for (let index = 0; index < length; index++) {
    const a = expected[index];
    const b = actual[index];
    if (a === undefined || b === undefined || !sameStep(a, b))
      return { index, expected: a, actual: b, lengths: [expected.length, actual.length] };
  }
  return undefined;
}

const PREVIEW_CHARS = 60;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Bytes as a JSON string when they are printable UTF-8, else as hex; long ones cut short. */
export function previewBytes(bytes: Uint8Array): string {
  let text: string | undefined;
  try {
    text = utf8.decode(bytes);
  } catch {
    text = undefined;
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are not printable
  const printable = text !== undefined && !/[\u0000-\u001f\u007f]/.test(text);
  const shown = printable ? text! : `0x${Buffer.from(bytes).toString('hex')}`;
  if (shown.length <= PREVIEW_CHARS) return printable ? JSON.stringify(shown) : shown;
  const cut = shown.slice(0, PREVIEW_CHARS);
  return `${printable ? JSON.stringify(cut) : cut}…(${bytes.length} bytes)`;
}

/** `kv_set("visits:bob", "2") = 0`, `kv_get("total") = 0 -> "12"`, or `(no call)`. */
export function describeStep(step: TraceStep | undefined): string {
  if (step === undefined) return '(no call)';
  const args = step.args.map(previewBytes).join(', ');
  const data = step.data === undefined ? '' : ` -> ${previewBytes(step.data)}`;
  return `${step.call}(${args}) = ${step.status}${data}`;
}

/** Collects an artifact's host calls; `take` hands over those since the last take. */
export class HostTraceRecorder {
  #calls: RecordedHostCall[] = [];

  readonly record = (call: RecordedHostCall): void => {
    this.#calls.push(call);
  };

  take(): RecordedHostCall[] {
    const calls = this.#calls;
    this.#calls = [];
    return calls;
  }
}
