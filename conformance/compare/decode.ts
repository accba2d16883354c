import { type ComparatorSpec, describeComparator, isPluginError } from '../../runtime/index.js';
import { type Comparator, verdict } from './comparator.js';

/** Decodes one output; throws (a PluginError for an artifact decoder) when it cannot. */
export type Decode = (bytes: Uint8Array) => Promise<Uint8Array>;

async function tryDecode(decode: Decode, bytes: Uint8Array): Promise<Uint8Array | string> {
  try {
    const decoded = await decode(bytes);
    if (!(decoded instanceof Uint8Array))
      return `the decoder returned ${typeof decoded}, not bytes`;
    return decoded;
  } catch (error) {
    if (isPluginError(error))
      return `${error.code}${error.pluginCode === undefined ? '' : ` (plugin code ${error.pluginCode})`}`;
    return `threw ${(error as Error).message}`;
  }
}

/** `decode`: both outputs through the decoder, the decoded bytes compared exactly. */
export function createDecodeComparator(
  spec: Extract<ComparatorSpec, { kind: 'decode' }>,
  decode: Decode,
  close: () => Promise<void>,
): Comparator {
  const name = describeComparator(spec);
  return {
    spec,
    name,
    close,
    async compareOutputs(a, b) {
      const left = await tryDecode(decode, a);
      const right = await tryDecode(decode, b);
      if (typeof left === 'string')
        return verdict(name, false, `the first output does not decode: ${left}`);
      if (typeof right === 'string')
        return verdict(name, false, `the second output does not decode: ${right}`);
      const equal = left.length === right.length && Buffer.compare(left, right) === 0;
      return verdict(
        name,
        equal,
        `the decoded bytes differ (${left.length} and ${right.length} bytes)`,
        {
          what: 'decoded outputs',
          a: left,
          b: right,
        },
      );
    },
  };
}
