import { describe, expect, it } from 'vitest';
import { encodeFleetRecord, parseFleetRecord } from './fleet-record.js';

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
