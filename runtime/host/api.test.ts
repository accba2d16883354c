import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../scripts/artifacts.js';
import { HOST_API_V1, HOST_FUNCTION_NAMES, TP_STATUS, wasmParamCount } from './api.js';

const header = readFileSync(join(repoRoot(), 'pdk/c/twinplug.h'), 'utf8');

/** The C parameter count of one table entry: a pointer-and-length pair is two, an output three. */
function cParams(name: string): number {
  const entry = new RegExp(`int32_t \\(\\*${name}\\)\\(([^)]*)\\);`).exec(header);
  if (entry === null) throw new Error(`twinplug.h has no tp_host_v1 entry ${name}`);
  return entry[1]!.split(',').length;
}

describe('twinplug.h agrees with HOST_API_V1', () => {
  it('lists the table entries in the same order, with the same parameters', () => {
    const table = /typedef struct tp_host_v1 \{([\s\S]*?)\} tp_host_v1;/.exec(header)?.[1] ?? '';
    const names = [...table.matchAll(/\(\*(\w+)\)/g)].map((match) => match[1]);
    expect(names).toEqual(HOST_FUNCTION_NAMES);
    for (const name of HOST_FUNCTION_NAMES)
      expect(cParams(name), name).toBe(wasmParamCount(HOST_API_V1[name]));
  });

  it('imports each function from twinplug_v1 under its own name', () => {
    for (const name of HOST_FUNCTION_NAMES) expect(header).toContain(`TP_HOST_IMPORT(${name})`);
  });

  it('defines the same status codes', () => {
    const codes: Record<string, number> = {};
    for (const match of header.matchAll(/#define TP_(OK|BUFFER_TOO_SMALL|ERR_\w+) \(?(-?\d+)\)?/g))
      codes[match[1]!.replace(/^ERR_/, '')] = Number(match[2]);
    expect(codes).toEqual(TP_STATUS);
  });
});
