// The pipe floor's child (bench/floors.ts): echoes fd 3 with blocking read(2) and write(2), as
// the plugin child does, and nothing else.
import { readSync, writeSync } from 'node:fs';

const buffer = new Uint8Array(64 * 1024);
for (;;) {
  const count = readSync(3, buffer, 0, buffer.length, null);
  if (count === 0) break;
  let written = 0;
  while (written < count) written += writeSync(3, buffer, written, count - written);
}
