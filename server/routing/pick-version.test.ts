import { describe, expect, it } from 'vitest';
import { fnv1a, pickVersion } from './pick-version.js';

const headers = (values: Record<string, string>) => (name: string) => values[name];
const none = headers({});

/** A deterministic sequence of "random" numbers spread evenly over [0, 1). */
function even(count: number): () => number {
  let index = 0;
  return () => (index++ % count) / count;
}

describe('pickVersion', () => {
  it('leaves the choice to the active version without rules or weights', () => {
    expect(pickVersion({}, ['1.0.0', '2.0.0'], none)).toBeUndefined();
  });

  it('splits by weight: 80/20 over 100 evenly spread draws', () => {
    const random = even(100);
    const counts = new Map<string | undefined, number>();
    for (let draw = 0; draw < 100; draw += 1) {
      const version = pickVersion(
        { weights: { '1.0.0': 80, '2.0.0': 20 } },
        ['1.0.0', '2.0.0'],
        none,
        random,
      );
      counts.set(version, (counts.get(version) ?? 0) + 1);
    }
    expect(Object.fromEntries(counts)).toEqual({ '1.0.0': 80, '2.0.0': 20 });
  });

  it('gives a version that is not loaded nothing, and falls back to the active one when none weighs', () => {
    expect(
      pickVersion({ weights: { '1.0.0': 1, '9.0.0': 99 } }, ['1.0.0', '2.0.0'], none, () => 0.99),
    ).toBe('1.0.0');
    expect(pickVersion({ weights: { '9.0.0': 1 } }, ['1.0.0'], none)).toBeUndefined();
  });

  it('applies the first matching rule whose version is loaded, before weights', () => {
    const traffic = {
      weights: { '1.0.0': 100 },
      rules: [
        { header: 'x-user-role', value: 'admin', version: '3.0.0' },
        { header: 'x-user-role', value: 'admin', version: '2.0.0' },
      ],
    };
    expect(pickVersion(traffic, ['1.0.0', '2.0.0'], headers({ 'x-user-role': 'admin' }))).toBe(
      '2.0.0',
    );
    expect(pickVersion(traffic, ['1.0.0', '2.0.0'], headers({ 'x-user-role': 'user' }))).toBe(
      '1.0.0',
    );
  });

  it('keeps a sticky key on one version, and spreads keys by weight', () => {
    const traffic = { weights: { '1.0.0': 50, '2.0.0': 50 }, stickyHeader: 'x-user-id' };
    const counts = { '1.0.0': 0, '2.0.0': 0 };
    for (let user = 0; user < 1000; user += 1) {
      const lookup = headers({ 'x-user-id': `user-${user}` });
      const first = pickVersion(traffic, ['1.0.0', '2.0.0'], lookup, Math.random)!;
      for (let again = 0; again < 3; again += 1)
        expect(pickVersion(traffic, ['1.0.0', '2.0.0'], lookup, Math.random)).toBe(first);
      counts[first as '1.0.0' | '2.0.0'] += 1;
    }
    expect(counts['1.0.0']).toBeGreaterThan(400);
    expect(counts['2.0.0']).toBeGreaterThan(400);
  });

  it('moves sticky keys only onto the canary as its weight grows', () => {
    const at = (canary: number, user: number) =>
      pickVersion(
        { weights: { '2.0.0': canary, '1.0.0': 100 - canary }, stickyHeader: 'k' },
        ['1.0.0', '2.0.0'],
        headers({ k: `u${user}` }),
      );
    for (let user = 0; user < 500; user += 1) {
      if (at(10, user) === '2.0.0') expect(at(50, user)).toBe('2.0.0');
    }
  });

  it('hashes with FNV-1a', () => {
    expect(fnv1a('')).toBe(0x811c9dc5);
    expect(fnv1a('a')).toBe(0xe40c292c);
    expect(fnv1a('foobar')).toBe(0xbf9cf968);
  });
});
