import { describe, expect, it } from 'vitest';
import { artifactSha256, sha256Hex } from './loaded-artifact.js';

function pattern(length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, index) => (index * 131 + 7) & 0xff);
}

describe('artifactSha256', () => {
  it('is sha256Hex, on this thread below 64 KiB and on the thread pool from there', async () => {
    for (const length of [0, 1, 64 * 1024 - 1, 64 * 1024, 1024 * 1024 + 3]) {
      const bytes = pattern(length);
      expect(await artifactSha256(bytes)).toBe(sha256Hex(bytes));
    }
  });

  it('hashes bytes in a SharedArrayBuffer too', async () => {
    const shared = new Uint8Array(new SharedArrayBuffer(128 * 1024));
    shared.set(pattern(shared.length));
    expect(await artifactSha256(shared)).toBe(sha256Hex(pattern(shared.length)));
  });

  it('hashes only the bytes of a view into a larger buffer', async () => {
    const buffer = pattern(300 * 1024);
    const view = buffer.subarray(1000, 1000 + 200 * 1024);
    expect(await artifactSha256(view)).toBe(sha256Hex(view));
    expect(await artifactSha256(view)).not.toBe(sha256Hex(buffer));
  });
});
