/** Inputs fuzzed when no count is given: enough to find a byte-class divergence in seconds. */
export const DEFAULT_FUZZ_RUNS = 1000;
/** Largest fuzz input when no size is given. */
export const DEFAULT_MAX_SIZE = 4096;
