import { PluginError, toPluginError } from '../../errors.js';
import { meter } from './metering/index.js';

/** The bytes are no valid module (truncated, corrupt): the artifact's fault, like a bad header. */
export async function compileOrRefuse(bytes: Uint8Array): Promise<WebAssembly.Module> {
  try {
    return await WebAssembly.compile(bytes);
  } catch (error) {
    throw new PluginError(
      'PLUGIN_FORMAT_INVALID',
      `invalid Wasm module: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/**
 * The module, memory already capped, with metering compiled in: what a metered load compiles.
 * It is metered only once known valid (an index one past the end must not come to name the
 * counter). The one definition for both places it runs, the loading thread and the metering
 * worker, so that either gives the same bytes and the same errors: PLUGIN_FORMAT_INVALID with
 * the engine's reason, or the meter's own (PLUGIN_LOAD_FAILED, PLUGIN_IMPORT_UNSUPPORTED).
 */
export async function meterValid(capped: Uint8Array): Promise<Uint8Array> {
  if (!WebAssembly.validate(capped)) {
    await compileOrRefuse(capped); // throws, with the engine's reason
    throw new PluginError('PLUGIN_FORMAT_INVALID', 'invalid Wasm module');
  }
  try {
    return meter(capped);
  } catch (error) {
    throw meterFailed(error);
  }
}

/** A meter failure as a typed error; also what a worker's unexpected failure becomes. */
export function meterFailed(error: unknown): PluginError {
  return toPluginError(error, 'PLUGIN_LOAD_FAILED', 'cannot meter the Wasm module');
}
