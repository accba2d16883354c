import { describe, expect, it } from 'vitest';
import { isPluginError, PLUGIN_ERROR_CODES, PluginError, toPluginError } from './errors.js';

describe('PluginError', () => {
  it('keeps code, plugin code, details and cause', () => {
    const cause = new Error('inner');
    const error = new PluginError('PLUGIN_CALL_FAILED', 'plugin returned -2', {
      pluginCode: -2,
      details: { a: 1 },
      cause,
    });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('PluginError');
    expect(error.code).toBe('PLUGIN_CALL_FAILED');
    expect(error.pluginCode).toBe(-2);
    expect(error.details).toEqual({ a: 1 });
    expect(error.cause).toBe(cause);
  });

  it('survives a structured clone as JSON and is rebuilt with the same code', () => {
    const original = new PluginError('PLUGIN_TRAPPED', 'trapped', {
      details: { abort: { line: 3 } },
    });
    const cloned = structuredClone(original.toJSON());
    expect(isPluginError(cloned, 'PLUGIN_TRAPPED')).toBe(true);
    const rebuilt = PluginError.fromJSON(cloned);
    expect(rebuilt).toBeInstanceOf(PluginError);
    expect(rebuilt.toJSON()).toEqual(original.toJSON());
  });

  it('the guard refuses look-alikes with unknown codes and other values', () => {
    expect(isPluginError({ name: 'PluginError', code: 'NOT_A_CODE' })).toBe(false);
    expect(isPluginError(new Error('x'))).toBe(false);
    expect(isPluginError(null)).toBe(false);
    expect(isPluginError(new PluginError('PLUGIN_CLOSED', 'x'), 'PLUGIN_TRAPPED')).toBe(false);
  });

  it('codes are unique SCREAMING_SNAKE names', () => {
    expect(new Set(PLUGIN_ERROR_CODES).size).toBe(PLUGIN_ERROR_CODES.length);
    for (const code of PLUGIN_ERROR_CODES) expect(code).toMatch(/^PLUGIN_[A-Z_]+$/);
  });

  it('toPluginError keeps a PluginError and wraps anything else', () => {
    const existing = new PluginError('PLUGIN_CLOSED', 'closed');
    expect(toPluginError(existing, 'PLUGIN_LOAD_FAILED', 'x')).toBe(existing);
    const wrapped = toPluginError(new TypeError('boom'), 'PLUGIN_LOAD_FAILED', 'cannot load');
    expect(wrapped.code).toBe('PLUGIN_LOAD_FAILED');
    expect(wrapped.cause).toBeInstanceOf(TypeError);
  });
});
