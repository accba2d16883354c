/**
 * Conformance's own failures: a run that cannot start because of what it was asked to do.
 * (Plugins that fail to load raise the runtime's PluginError instead.)
 */
export const CONFORMANCE_ERROR_CODES = [
  /** A --grammar that is neither a built-in grammar nor a module exporting one. */
  'CONFORMANCE_GRAMMAR_UNKNOWN',
  /** A grammar module whose export is not of the Grammar shape. */
  'CONFORMANCE_GRAMMAR_INVALID',
  /** A --plugin folder that is missing, holds no artifact, or has an unreadable plugin.json. */
  'CONFORMANCE_PLUGIN_DIR_INVALID',
  /** Options out of range or contradicting each other (a negative --fuzz, a --seed past 32 bits...). */
  'CONFORMANCE_OPTIONS_INVALID',
  /** Nothing could be checked: no artifact runs on this host, or there are neither cases nor fuzzing. */
  'CONFORMANCE_NOTHING_TO_RUN',
  /** Initialize refused the fuzzing config on every artifact, so no input could be fuzzed. */
  'CONFORMANCE_FUZZ_CONFIG_REFUSED',
  /** A comparator that cannot be made: a decoder that does not load, a module without the export. */
  'CONFORMANCE_COMPARATOR_INVALID',
  /** A --report file or a --save-failures case could not be written. */
  'CONFORMANCE_REPORT_UNWRITABLE',
] as const;

export type ConformanceErrorCode = (typeof CONFORMANCE_ERROR_CODES)[number];

/**
 * @example
 * catch (error) { if (error instanceof ConformanceError) process.exitCode = 2 }
 */
export class ConformanceError extends Error {
  override readonly name = 'ConformanceError';
  readonly code: ConformanceErrorCode;

  constructor(code: ConformanceErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }
}
