// A declared C prototype, parsed by koffi, checked against the shape its role needs, and bound
// with the backend's own argument types (buffers as void *, so a Buffer passes as it is).
import koffi from 'koffi';
import { FUNCTION_CONVENTIONS, type FunctionConvention } from '../../../adapter-options.js';
import type { KoffiLibrary } from '../shadow-load.js';
import { exportMissing, prototypeInvalid } from './adapter-info.js';

/** What a parameter or result is, as far as a convention cares. */
export type Kind = 'pointer' | 'integer' | 'bool' | 'void' | 'other';

export interface Parsed {
  readonly field: string;
  readonly name: string;
  /** The declared calling convention keyword, if any (koffi ignores it off 32-bit x86). */
  readonly convention: string | undefined;
  readonly args: readonly {
    kind: Kind;
    type: string;
    pointee: { size: number; signed: boolean } | undefined;
  }[];
  readonly result: { kind: Kind; type: string };
}

type TypeObject = ReturnType<typeof koffi.type>;

const CONVENTION = /\b(__cdecl|__stdcall|__fastcall|__thiscall)\b/;
const SHAPE = /^\s*(.*?)\b([A-Za-z_][A-Za-z0-9_]*)\s*\(([^()]*)\)\s*;?\s*$/s;

function kindOf(type: TypeObject): Kind {
  const primitive: string = type.primitive;
  if (primitive === 'Pointer' || primitive.startsWith('String')) return 'pointer';
  if (/^U?Int(8|16|32|64)S?$/.test(primitive)) return 'integer';
  if (primitive === 'Bool') return 'bool';
  if (primitive === 'Void') return 'void';
  return 'other';
}

type KoffiFunction = ReturnType<KoffiLibrary['func']>;

/** Whether koffi reads `type` as a type, without binding anything. */
function isType(type: string): boolean {
  try {
    koffi.type(type);
    return true;
  } catch {
    return false;
  }
}

/**
 * Checks each type on its own first: koffi 3.3.4 aborts the whole process (a fatal N-API
 * throw) when a prototype names a pointer to an unknown type, but koffi.type throws cleanly.
 * A parameter is a type (`unsigned int`), or a type then a name (`const char *in`).
 */
function checkTypes(field: string, result: string, params: string): void {
  const list = params.trim() === '' ? [] : params.split(',').map((param) => param.trim());
  for (const [index, text] of [result.trim(), ...list].entries()) {
    const unnamed = text.replace(/(?<=[\s*])[A-Za-z_][A-Za-z0-9_]*$/, '').trim();
    if (isType(text) || (index > 0 && isType(unnamed))) continue;
    throw prototypeInvalid(field, `koffi cannot parse the type "${index > 0 ? unnamed : text}"`);
  }
}

/**
 * Parses `text` by binding it with koffi: a prototype koffi cannot read is a manifest error
 * naming `field`, a name the library does not export is PLUGIN_EXPORT_MISSING. (koffi.proto
 * would parse without a library, but koffi 3.3.4 aborts the process on a bad type there.)
 */
export function parsePrototype(library: KoffiLibrary, field: string, text: string): Parsed {
  const shape = SHAPE.exec(text);
  if (shape === null)
    throw prototypeInvalid(field, `"${text}" is not a C prototype such as "int f(const char *in)"`);
  const [, prefix = '', name = '', params = ''] = shape;
  const convention = CONVENTION.exec(prefix)?.[1];
  checkTypes(field, prefix.replace(CONVENTION, ''), params);
  let declared: KoffiFunction;
  try {
    declared = library.func(text);
  } catch (error) {
    try {
      library.func(`void ${convention ?? ''} ${name}(void)`);
    } catch (missing) {
      throw exportMissing(name, missing);
    }
    throw prototypeInvalid(
      field,
      `koffi cannot parse "${text}": ${(error as Error).message}`,
      error,
    );
  }
  const { info } = declared;
  return {
    field,
    name,
    convention,
    args: info.arguments.map((argument) => {
      const type = (argument as unknown as { type: TypeObject }).type;
      const ref = type.ref;
      return {
        kind: kindOf(type),
        type: type.name,
        pointee:
          ref === undefined
            ? undefined
            : { size: ref.size, signed: ref.primitive.startsWith('Int') },
      };
    }),
    result: { kind: kindOf(info.result), type: info.result.name },
  };
}

/** The process shapes each convention takes, as said in the refusal. */
const PROCESS_SHAPES: Record<
  FunctionConvention,
  { shape: string; args: Kind[][]; results: Kind[] }
> = {
  'buffer-length-pointer': {
    shape: 'int f(const char *in, int in_len, char *out, int *out_len)',
    args: [['pointer', 'integer', 'pointer', 'pointer']],
    results: ['integer'],
  },
  'string-buffer': {
    shape: 'int f(const char *in, char *out) or int f(const char *in, char *out, int out_cap)',
    args: [
      ['pointer', 'pointer'],
      ['pointer', 'pointer', 'integer'],
    ],
    results: ['integer', 'bool', 'void'],
  },
  'string-returned': {
    shape: 'char *f(const char *in), with "free": void release(char *s)',
    args: [['pointer']],
    results: ['pointer'],
  },
};

export const ROLE_SHAPES = {
  init: {
    shape: 'int init(void | const char *config | const char *config, int len)',
    args: [[], ['pointer'], ['pointer', 'integer']] as Kind[][],
    results: ['integer', 'bool', 'void'] as Kind[],
  },
  cleanup: {
    shape: 'void cleanup(void)',
    args: [[]] as Kind[][],
    results: ['void', 'integer', 'bool'] as Kind[],
  },
  info: { shape: 'const char *info(void)', args: [[]] as Kind[][], results: ['pointer'] as Kind[] },
  free: {
    shape: 'void release(char *s)',
    args: [['pointer']] as Kind[][],
    results: ['void', 'integer', 'bool'] as Kind[],
  },
};

function fits(parsed: Parsed, shape: { args: Kind[][]; results: Kind[] }): boolean {
  const kinds = parsed.args.map((arg) => arg.kind).join();
  return (
    shape.results.includes(parsed.result.kind) && shape.args.some((args) => args.join() === kinds)
  );
}

function conventionList(): string {
  return FUNCTION_CONVENTIONS.map((name) => `${name}: ${PROCESS_SHAPES[name].shape}`).join('; ');
}

/** Refuses a process prototype outside its convention, listing the conventions. */
export function checkProcess(parsed: Parsed, convention: FunctionConvention): void {
  const lengthSize = parsed.args[3]?.pointee?.size;
  const lengthOk = convention !== 'buffer-length-pointer' || lengthSize === 4 || lengthSize === 8;
  if (fits(parsed, PROCESS_SHAPES[convention]) && lengthOk) return;
  throw prototypeInvalid(
    'process',
    `does not follow the ${convention} convention. The conventions are: ${conventionList()}`,
  );
}

export function checkRole(parsed: Parsed, role: keyof typeof ROLE_SHAPES): void {
  if (!fits(parsed, ROLE_SHAPES[role]))
    throw prototypeInvalid(role, `must have the shape ${ROLE_SHAPES[role].shape}`);
}

type Fn = (...args: unknown[]) => unknown;

/** Binds the export with buffers as void *; a missing export is PLUGIN_EXPORT_MISSING. */
export function bindPrototype(library: KoffiLibrary, parsed: Parsed): Fn {
  const asBound = (kind: Kind, type: string) => (kind === 'pointer' ? 'void *' : type);
  const result = asBound(parsed.result.kind, parsed.result.type);
  const args = parsed.args.map((arg) => asBound(arg.kind, arg.type));
  try {
    return parsed.convention === undefined
      ? library.func(parsed.name, result, args)
      : library.func(parsed.convention, parsed.name, result, args);
  } catch (error) {
    throw exportMissing(parsed.name, error);
  }
}
