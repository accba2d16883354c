import { describe, expect, it } from 'vitest';
import type { CallOutcome } from '../runtime/index.js';
import { describeOutcome, outcomeKind, sameOutcome } from './outcome.js';

const ok = (...bytes: number[]): CallOutcome => ({ ok: true, output: Uint8Array.from(bytes) });
const failed = (
  code: 'PLUGIN_CALL_FAILED' | 'PLUGIN_TRAPPED',
  pluginCode?: number,
  message = 'm',
): CallOutcome => ({
  ok: false,
  code,
  pluginCode,
  message,
});

describe('sameOutcome', () => {
  it('compares output bytes exactly', () => {
    expect(sameOutcome(ok(1, 2), ok(1, 2))).toBe(true);
    expect(sameOutcome(ok(1, 2), ok(1, 3))).toBe(false);
    expect(sameOutcome(ok(1, 2), ok(1, 2, 0))).toBe(false);
    expect(sameOutcome(ok(), ok())).toBe(true);
  });

  it('compares errors by code and plugin code, never by message', () => {
    expect(
      sameOutcome(failed('PLUGIN_CALL_FAILED', -2, 'a'), failed('PLUGIN_CALL_FAILED', -2, 'b')),
    ).toBe(true);
    expect(sameOutcome(failed('PLUGIN_CALL_FAILED', -2), failed('PLUGIN_CALL_FAILED', -3))).toBe(
      false,
    );
    expect(sameOutcome(failed('PLUGIN_CALL_FAILED', -2), failed('PLUGIN_TRAPPED'))).toBe(false);
  });

  it('never equates an output with an error, not even an empty output', () => {
    expect(sameOutcome(ok(), failed('PLUGIN_TRAPPED'))).toBe(false);
    expect(sameOutcome(failed('PLUGIN_TRAPPED'), ok())).toBe(false);
  });
});

describe('outcomeKind and describeOutcome', () => {
  it('name outcomes by kind, with the plugin code when there is one', () => {
    expect(outcomeKind(ok(1))).toBe('ok');
    expect(outcomeKind(failed('PLUGIN_CALL_FAILED', -2))).toBe('PLUGIN_CALL_FAILED(-2)');
    expect(outcomeKind(failed('PLUGIN_TRAPPED'))).toBe('PLUGIN_TRAPPED');
    expect(describeOutcome(ok(1))).toBe('1 byte');
    expect(describeOutcome(ok(1, 2))).toBe('2 bytes');
    expect(describeOutcome(failed('PLUGIN_CALL_FAILED', -5))).toBe(
      'error PLUGIN_CALL_FAILED (plugin code -5)',
    );
  });
});
