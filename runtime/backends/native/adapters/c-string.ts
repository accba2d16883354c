import { PluginError } from '../../../errors.js';

/**
 * The input as a NUL-terminated string in a buffer kept between calls. A NUL inside the input
 * would silently cut it short, so it is refused before the library sees anything.
 */
export class CStringInput {
  #buffer = Buffer.alloc(4096);

  encode(input: Uint8Array): Buffer {
    if (input.length + 1 > this.#buffer.length)
      this.#buffer = Buffer.alloc(Math.max(input.length + 1, this.#buffer.length * 2));
    const buffer = this.#buffer;
    buffer.set(input);
    buffer[input.length] = 0;
    // One memchr on the copy finds a NUL inside the input, or the terminator just written.
    const nul = buffer.indexOf(0);
    if (nul < input.length)
      throw new PluginError(
        'PLUGIN_INVALID_INPUT',
        `the input has a NUL byte at offset ${nul}; this library takes NUL-terminated strings`,
        { details: { offset: nul } },
      );
    return buffer;
  }
}

/** Config bytes as a NUL-terminated string (Initialize(void *) reads to the first NUL). */
export function configString(config: Uint8Array): Buffer {
  const nul = config.indexOf(0);
  if (nul >= 0)
    throw new PluginError(
      'PLUGIN_INVALID_OPTIONS',
      `the config has a NUL byte at offset ${nul}; this library takes a NUL-terminated string`,
      { details: { offset: nul } },
    );
  const text = Buffer.alloc(config.length + 1);
  text.set(config);
  return text;
}
