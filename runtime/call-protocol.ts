import { PluginError } from './errors.js';

export const STATUS_OK = 0;
export const STATUS_BUFFER_TOO_SMALL = 1;

/** The smallest output buffer offered on a first call. */
export const MIN_OUTPUT_CAPACITY = 256;

/**
 * One backend's way of calling the ProcessData export. The protocol around it (the retry,
 * the checks of what the plugin claims) is the same for every backend: {@link runProcessData}.
 */
export interface ProcessDataTransport {
  /** Calls ProcessData with `input` and an output buffer of `outCap` bytes; returns its status. */
  invoke(input: Uint8Array, outCap: number): number;
  /** The `*out_len` the last invoke left behind. */
  outLen(): number;
  /** Copies `len` bytes out of the last invoke's output buffer (len <= outCap, checked). */
  takeOutput(len: number): Uint8Array;
}

/** First-call capacity: room for 1.5x the input, at least MIN_OUTPUT_CAPACITY, within the cap. */
export function initialOutputCapacity(inputLength: number, maxOutputBytes: number): number {
  return Math.min(Math.max(MIN_OUTPUT_CAPACITY, inputLength + (inputLength >>> 1)), maxOutputBytes);
}

function abiViolation(message: string, details: Record<string, unknown>): PluginError {
  return new PluginError('PLUGIN_ABI_VIOLATION', message, { details });
}

/**
 * Runs the ABI's two-call pattern: call, and when the plugin answers "buffer too small" with
 * the size it needs, call once more with that capacity. Never trusts what the plugin says.
 */
export function runProcessData(
  transport: ProcessDataTransport,
  input: Uint8Array,
  maxOutputBytes: number,
): Uint8Array {
  let capacity = initialOutputCapacity(input.length, maxOutputBytes);
  let status = transport.invoke(input, capacity);
  if (status === STATUS_BUFFER_TOO_SMALL) {
    const needed = transport.outLen();
    if (needed > maxOutputBytes) {
      throw new PluginError(
        'PLUGIN_OUTPUT_TOO_LARGE',
        `plugin needs ${needed} output bytes, the limit is ${maxOutputBytes}`,
        {
          details: { needed, maxOutputBytes },
        },
      );
    }
    if (needed <= capacity) {
      throw abiViolation(
        `plugin said the buffer was too small but asked for ${needed} bytes, no more than the ${capacity} it had`,
        {
          needed,
          capacity,
        },
      );
    }
    capacity = needed;
    status = transport.invoke(input, capacity);
    if (status === STATUS_BUFFER_TOO_SMALL) {
      throw abiViolation(
        'plugin said the buffer was too small twice, after getting the size it asked for',
        { capacity },
      );
    }
  }
  if (status === STATUS_OK) {
    const length = transport.outLen();
    if (length > capacity) {
      throw abiViolation(`plugin reported ${length} output bytes in a ${capacity}-byte buffer`, {
        outLen: length,
        capacity,
      });
    }
    return transport.takeOutput(length);
  }
  if (status < 0) {
    throw new PluginError('PLUGIN_CALL_FAILED', `plugin returned error code ${status}`, {
      pluginCode: status,
    });
  }
  throw abiViolation(`plugin returned unknown status ${status}`, { status });
}
