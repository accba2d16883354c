import { describe, expect, it } from 'vitest';
import { parseTraffic, withoutWeights } from './traffic.js';

describe('parseTraffic', () => {
  it('accepts weights, rules and a sticky header, lower-casing header names', () => {
    expect(
      parseTraffic({
        weights: { '1.0.0': 80, '2.0.0': 20 },
        rules: [{ header: 'X-User-Role', value: 'admin', version: '2.0.0' }],
        stickyHeader: 'X-User-ID',
      }),
    ).toEqual({
      weights: { '1.0.0': 80, '2.0.0': 20 },
      rules: [{ header: 'x-user-role', value: 'admin', version: '2.0.0' }],
      stickyHeader: 'x-user-id',
    });
    expect(parseTraffic({})).toEqual({});
  });

  it.each([
    [null],
    [{ weights: [] }],
    [{ weights: { '1.0.0': -1 } }],
    [{ weights: { '1.0.0': 1.5 } }],
    [{ weights: { '1.0.0': 0, '2.0.0': 0 } }],
    [{ weights: { v1: 1 } }],
    [{ rules: {} }],
    [{ rules: [{ header: 'x', value: 'y' }] }],
    [{ rules: [{ header: 'x', value: 'y', version: '1.0.0', extra: 1 }] }],
    [{ rules: Array(65).fill({ header: 'x', value: 'y', version: '1.0.0' }) }],
    [{ stickyHeader: 'bad header' }],
    [{ split: { '1.0.0': 1 } }],
  ])('refuses %j with INVALID_TRAFFIC', (value) => {
    expect(() => parseTraffic(value)).toThrow(expect.objectContaining({ code: 'INVALID_TRAFFIC' }));
  });

  it('drops weights only', () => {
    expect(withoutWeights({ weights: { '1.0.0': 1 }, stickyHeader: 'k' })).toEqual({
      stickyHeader: 'k',
    });
    expect(withoutWeights(undefined)).toEqual({});
  });
});
