import { describe, expect, it } from 'vitest';
import { NO_GRANTS } from '../../host/grants.js';
import {
  CALL,
  decodeLoad,
  encodeFrame,
  encodeLoad,
  FRAME_HEADER_BYTES,
  FrameReader,
  LOAD,
  OUTPUT,
} from './frames.js';

describe('frames', () => {
  it('lay out as u32 little-endian length, u8 type, payload', () => {
    expect([...encodeFrame(CALL, new Uint8Array([0xaa, 0xbb]))]).toEqual([
      2,
      0,
      0,
      0,
      CALL,
      0xaa,
      0xbb,
    ]);
  });

  it('are reassembled however the stream cuts them, several per chunk or one byte at a time', () => {
    const stream = new Uint8Array([
      ...encodeFrame(OUTPUT, new Uint8Array([1, 2, 3])),
      ...encodeFrame(CALL, new Uint8Array(0)),
      ...encodeFrame(OUTPUT, new Uint8Array(300).fill(7)),
    ]);
    for (const cut of [1, 2, 5, 7, stream.length]) {
      const reader = new FrameReader(1024);
      const frames = [];
      for (let offset = 0; offset < stream.length; offset += cut)
        frames.push(...reader.push(stream.slice(offset, offset + cut)));
      expect(frames.map((frame) => [frame.type, frame.payload.length])).toEqual([
        [OUTPUT, 3],
        [CALL, 0],
        [OUTPUT, 300],
      ]);
      expect([...frames[0]!.payload]).toEqual([1, 2, 3]);
      expect(frames[2]!.payload.every((byte) => byte === 7)).toBe(true);
    }
  });

  it('a frame longer than the reader accepts is a protocol error, not an allocation', () => {
    const reader = new FrameReader(16);
    expect(() => reader.push(encodeFrame(OUTPUT, new Uint8Array(17)))).toThrow(
      expect.objectContaining({ code: 'PLUGIN_CRASHED' }),
    );
    const header = new Uint8Array(FRAME_HEADER_BYTES);
    new DataView(header.buffer).setUint32(0, 0xffffffff, true);
    expect(() => new FrameReader(16).push(header)).toThrow(
      expect.objectContaining({ code: 'PLUGIN_CRASHED' }),
    );
  });

  it('LOAD carries the settings and the exact artifact bytes', () => {
    const settings = {
      fileName: 'x.so',
      sha256: 'a'.repeat(64),
      maxOutputBytes: 10,
      maxMemoryPages: 2,
      callingConvention: 'cdecl' as const,
      shadowDir: '/tmp/s',
      grants: NO_GRANTS,
    };
    const artifact = new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 9]);
    const [frame] = new FrameReader(1024).push(encodeLoad(settings, artifact));
    expect(frame?.type).toBe(LOAD);
    const decoded = decodeLoad(frame!.payload);
    expect(decoded.settings).toEqual(settings);
    expect([...decoded.artifact]).toEqual([...artifact]);
  });
});
