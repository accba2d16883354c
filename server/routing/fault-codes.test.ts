import { describe, expect, it } from 'vitest';
import { FAULT_CODES, PLUGIN_ERROR_CODES } from '../../runtime/index.js';
import { COUNTS_AGAINST_CANARY } from './fault-codes.js';

describe('COUNTS_AGAINST_CANARY', () => {
  it("counts every fault the runtime's breaker counts (PLUGIN_OUTPUT_TOO_LARGE included)", () => {
    for (const code of PLUGIN_ERROR_CODES)
      if (FAULT_CODES.has(code)) expect(COUNTS_AGAINST_CANARY[code], code).toBe(true);
    expect(FAULT_CODES.has('PLUGIN_OUTPUT_TOO_LARGE')).toBe(true);
    expect(COUNTS_AGAINST_CANARY.PLUGIN_CALL_FAILED).toBe(false);
    expect(COUNTS_AGAINST_CANARY.PLUGIN_OVERLOADED).toBe(false);
  });
});
