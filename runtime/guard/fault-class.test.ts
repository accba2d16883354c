import { describe, expect, it } from 'vitest';
import { PLUGIN_ERROR_CODES, PluginError } from '../errors.js';
import { blamesBuild, FAULT_CLASS, FAULT_CODES, isPluginFault } from './fault-class.js';

describe('FAULT_CLASS', () => {
  it('every fault the breaker counts is blamed on the build; answers, callers and load are not', () => {
    for (const code of FAULT_CODES) expect(blamesBuild(code), code).toBe(true);
    for (const code of PLUGIN_ERROR_CODES) {
      const kind = FAULT_CLASS[code];
      if (kind === 'answer' || kind === 'caller' || kind === 'capacity' || kind === 'lifecycle')
        expect(blamesBuild(code), code).toBe(false);
    }
  });

  it('classifies the codes the breaker and the canary once disagreed on, and the obvious ones', () => {
    expect(isPluginFault(new PluginError('PLUGIN_OUTPUT_TOO_LARGE', 'x'))).toBe(true);
    expect(isPluginFault(new PluginError('PLUGIN_CALL_FAILED', 'x'))).toBe(false);
    expect(isPluginFault(new PluginError('PLUGIN_OVERLOADED', 'x'))).toBe(false);
    expect(blamesBuild('PLUGIN_UNAVAILABLE')).toBe(true);
    expect(isPluginFault(new PluginError('PLUGIN_UNAVAILABLE', 'x'))).toBe(false);
  });
});
