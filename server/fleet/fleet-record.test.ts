import { describe, expect, it } from 'vitest';
import { encodeFleetRecord, parseFleetRecord, withBuild } from './fleet-record.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const SHA = 'a'.repeat(64);

describe('a plugin key read from the control bucket', () => {
  it('round-trips a record', () => {
    const record = {
      rollout: { traffic: {} },
      builds: { wasm: { sha256: SHA, version: '2.0.0' } },
    };
    expect(parseFleetRecord(encodeFleetRecord(record))).toEqual(record);
  });

  it('drops what is malformed: not JSON, builds that are not a sha256, unknown backends, inherited keys', () => {
    expect(parseFleetRecord(bytes('not json'))).toEqual({});
    expect(parseFleetRecord(bytes('[1]')).builds).toEqual({});
    const parsed = parseFleetRecord(
      bytes(
        JSON.stringify({
          builds: {
            wasm: { sha256: '../../etc/passwd' },
            native: { sha256: SHA.toUpperCase() },
            constructor: { sha256: SHA },
            __proto__: { sha256: SHA },
          },
          rollout: 'not an object',
        }),
      ),
    );
    expect(parsed).toEqual({ builds: {} });
    expect(Object.getPrototypeOf(parsed.builds)).toBeNull();
  });
});

describe('pointing a backend at a build', () => {
  const A = 'a'.repeat(64);
  const B = 'b'.repeat(64);
  const C = 'c'.repeat(64);

  it('keeps the build it replaces as the previous one, for rollbacks and the object collection', () => {
    const first = withBuild({}, 'wasm', { sha256: A, version: '1.0.0' });
    expect(first.previous).toBeUndefined();
    const second = withBuild(first, 'wasm', { sha256: B, version: '2.0.0' });
    expect(second).toMatchObject({
      builds: { wasm: { sha256: B } },
      previous: { wasm: { sha256: A, version: '1.0.0' } },
    });
    // The same build again changes no previous; the other backend keeps its own.
    const again = withBuild(withBuild(second, 'wasm', { sha256: B }), 'native', { sha256: C });
    expect(again.previous).toEqual({ wasm: { sha256: A, version: '1.0.0' } });
    expect(parseFleetRecord(encodeFleetRecord(again))).toEqual(again);
  });
});
