import { pathToFileURL } from 'node:url';
import {
  type ComparatorSpec,
  describeComparator,
  EXACT,
  isPluginError,
  jsonDifference,
  loadPlugin,
  parseJsonBytes,
} from '../../runtime/index.js';
import { ConformanceError } from '../errors.js';
import { type Comparator, verdict } from './comparator.js';
import { createDecodeComparator, type Decode } from './decode.js';

type CustomCompare = (
  a: Uint8Array,
  b: Uint8Array,
  input: Uint8Array,
) => unknown | Promise<unknown>;

function comparatorError(message: string, cause?: unknown): ConformanceError {
  return new ConformanceError('CONFORMANCE_COMPARATOR_INVALID', message, { cause });
}

/** Imports a module the user named and takes one exported function from it. */
async function importFunction(file: string, name: string): Promise<(...args: never[]) => unknown> {
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    throw comparatorError(`cannot import ${file}: ${(error as Error).message}`, error);
  }
  const found = module[name];
  if (typeof found !== 'function')
    throw comparatorError(`${file} does not export a function "${name}"`);
  return found as (...args: never[]) => unknown;
}

const simple = (
  spec: ComparatorSpec,
  compareOutputs: Comparator['compareOutputs'],
): Comparator => ({
  spec,
  name: describeComparator(spec),
  compareOutputs,
  close: async () => {},
});

function jsonComparator(spec: Extract<ComparatorSpec, { kind: 'json' }>): Comparator {
  const name = describeComparator(spec);
  return simple(spec, async (a, b) => {
    const [left, right] = [parseJsonBytes(a), parseJsonBytes(b)];
    if ('error' in left) return verdict(name, false, `the first output is ${left.error}`);
    if ('error' in right) return verdict(name, false, `the second output is ${right.error}`);
    let difference: string | undefined;
    try {
      difference = jsonDifference(left.value, right.value, spec.numbers);
    } catch (error) {
      // A value nested deeper than the stack allows (the parser managed, the walk did not).
      return verdict(name, false, `cannot compare: ${(error as Error).message}`);
    }
    return verdict(name, difference === undefined, `different JSON values at ${difference}`);
  });
}

/** A custom module's answer: `true`, or `{ equal: false, why }`; anything else is refused. */
function customVerdict(name: string, answer: unknown): ReturnType<typeof verdict> {
  if (answer === true) return verdict(name, true);
  if (
    typeof answer === 'object' &&
    answer !== null &&
    (answer as { equal?: unknown }).equal === false
  ) {
    const why = (answer as { why?: unknown }).why;
    return verdict(name, false, typeof why === 'string' ? why : 'the custom comparator said no');
  }
  if (answer === false) return verdict(name, false, 'the custom comparator said no');
  return verdict(
    name,
    false,
    `the custom comparator answered ${String(answer)}, not true or { equal: false, why }`,
  );
}

async function decoderOf(
  spec: Extract<ComparatorSpec, { kind: 'decode' }>,
): Promise<{ decode: Decode; close: () => Promise<void> }> {
  const { decoder } = spec;
  if ('module' in decoder) {
    const decode = (await importFunction(decoder.module, decoder.export)) as Decode;
    return { decode: async (bytes) => decode(bytes), close: async () => {} };
  }
  try {
    const plugin = await loadPlugin({ path: decoder.artifact });
    return { decode: (bytes) => plugin.processData(bytes), close: () => plugin.close() };
  } catch (error) {
    if (!isPluginError(error)) throw error;
    throw comparatorError(
      `the decoder ${decoder.artifact} does not load: ${error.code}: ${error.message}`,
      error,
    );
  }
}

/** Byte equality, today's verdict and the default. */
export const EXACT_COMPARATOR: Comparator = simple(EXACT, async () =>
  verdict('exact', false, 'the output bytes differ'),
);

/**
 * Makes the comparator a spec names. `decode` and `custom` run code: a decoder artifact is
 * loaded as a plugin, a module is imported; both come from the user's command line or files.
 */
export async function createComparator(spec: ComparatorSpec = EXACT): Promise<Comparator> {
  switch (spec.kind) {
    case 'exact':
      return EXACT_COMPARATOR;
    case 'json':
      return jsonComparator(spec);
    case 'decode': {
      const { decode, close } = await decoderOf(spec);
      return createDecodeComparator(spec, decode, close);
    }
    case 'custom': {
      const compare = (await importFunction(spec.module, spec.export)) as CustomCompare;
      const name = describeComparator(spec);
      return simple(spec, async (a, b, input) => {
        try {
          return customVerdict(name, await compare(a, b, input));
        } catch (error) {
          return verdict(name, false, `the custom comparator threw: ${(error as Error).message}`);
        }
      });
    }
  }
}
