// A starting plugin.json for a legacy library, from its exports and, when given, its C header:
// what `twinplug inspect --suggest-adapter` prints. A suggestion to check and edit, not a
// promise: loading it is what proves it (docs/legacy-dlls.md).
import type { FunctionConvention, FunctionsAdapter, IModuleAdapter } from '../adapter-options.js';

export interface AdapterSuggestion {
  readonly adapter: IModuleAdapter | FunctionsAdapter;
  /** Why this adapter, and what to check by hand. */
  readonly notes: readonly string[];
}

type Kind = 'pointer' | 'integer' | 'void';

/** The words a C return type is made of (macros such as VENDOR_API are dropped). */
const TYPE_WORD =
  /^(const|unsigned|signed|struct|void|char|short|int|long|float|double|size_t|u?int\d+_t|bool|BOOL|DWORD|LP[A-Z]*|\*)$/;

interface Declared {
  readonly name: string;
  readonly prototype: string;
  readonly result: Kind;
  readonly params: readonly Kind[];
}

const FACTORY = /^(Create|Make|New|Get)\w*Module\w*$|^CreateInstance$/;
const DESTROY = /^(Destroy|Release|Delete|Free)\w*(Module|Instance)\w*$/;
const ROLES = {
  init: /init/i,
  cleanup: /cleanup|shutdown|terminate|deinit|close|exit/i,
  info: /info|version/i,
  free: /free|release|dealloc|delete/i,
};

function kindOf(type: string): Kind {
  const text = type.replace(/\b(const|volatile|struct|enum|unsigned|signed)\b/g, '').trim();
  if (text.includes('*') || /^(LP|P)[A-Z]*STR$|^LPVOID$|^PVOID$/.test(text)) return 'pointer';
  return text === 'void' || text === 'VOID' ? 'void' : 'integer';
}

/** The exported functions the header declares, with their prototypes in koffi's syntax. */
/** Object-like #defines replaced by their first definition (the Windows branch comes first in most headers). */
function expandDefines(header: string): string {
  const defines = new Map<string, string>();
  for (const match of header.matchAll(/^\s*#\s*define\s+([A-Za-z_]\w*)[ \t]*([^\n(]*)$/gm)) {
    const [, name = '', value = ''] = match;
    if (!defines.has(name)) defines.set(name, value.trim());
  }
  return header.replace(/\b[A-Za-z_]\w*\b/g, (word) => defines.get(word) ?? word);
}

function declarations(header: string, exports: ReadonlySet<string>): Declared[] {
  const uncommented = header.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, ' ');
  const text = expandDefines(uncommented)
    .replace(/^\s*#.*$/gm, ' ')
    .replace(/__declspec\s*\([^)]*\)|extern\s+"C"|\bextern\b/g, ' ');
  const found: Declared[] = [];
  for (const match of text.matchAll(/([A-Za-z_][\w\s*]*?)\b([A-Za-z_]\w*)\s*\(([^()]*)\)\s*;/g)) {
    const [, before = '', name = '', list = ''] = match;
    if (!exports.has(name)) continue;
    const conventions = /\b(__stdcall|__cdecl|WINAPI|CALLBACK|APIENTRY|STDCALL)\b/g;
    const stdcall = /\b(__stdcall|WINAPI|CALLBACK|APIENTRY|STDCALL)\b/.test(before);
    const words = before
      .replace(conventions, ' ')
      .replace(/\*/g, ' * ')
      .split(/\s+/)
      .filter((w) => TYPE_WORD.test(w));
    const result =
      words
        .join(' ')
        .replace(/ \*/g, '*')
        .replace(/\*(?=\w)/g, '* ')
        .trim() || 'int';
    const params =
      list.trim() === '' || list.trim() === 'void' ? [] : list.split(',').map((p) => p.trim());
    const convention = stdcall ? '__stdcall ' : '';
    const space = result.endsWith('*') && !stdcall ? '' : ' ';
    found.push({
      name,
      prototype: `${result}${space}${convention}${name}(${params.join(', ') || 'void'})`,
      result: kindOf(result),
      params: params.map((p) => kindOf(p.replace(/[A-Za-z_]\w*$/, '') || p)),
    });
  }
  return found;
}

const SHAPES: [FunctionConvention, (d: Declared) => boolean][] = [
  [
    'buffer-length-pointer',
    (d) => d.result === 'integer' && d.params.join() === 'pointer,integer,pointer,pointer',
  ],
  ['string-returned', (d) => d.result === 'pointer' && d.params.join() === 'pointer'],
  [
    'string-buffer',
    (d) => d.result !== 'pointer' && /^pointer,pointer(,integer)?$/.test(d.params.join()),
  ],
];

function imodule(exports: readonly string[], factory: string): AdapterSuggestion {
  const destroy = exports.find((name) => DESTROY.test(name));
  const adapter: IModuleAdapter = {
    kind: 'imodule',
    factory,
    ...(destroy !== undefined && { destroy }),
    outputCapacity: 65536,
    result: 'status',
  };
  return {
    adapter,
    notes: [
      `${factory} looks like an IModule factory: check that the class declares Initialize, ProcessData and Cleanup first, in that order`,
      'a virtual destructor moves the slots: set virtualDestructor ("first" or "last") and cxxAbi ("itanium" for g++/MinGW, "msvc")',
      'outputCapacity must hold the largest output: ProcessData is never told the size',
      ...(destroy === undefined
        ? ['no destroy export found: objects are freed only through a declared virtual destructor']
        : []),
    ],
  };
}

function functions(found: Declared[]): AdapterSuggestion | undefined {
  for (const [convention, fits] of SHAPES) {
    const process = found.find(fits);
    if (process === undefined) continue;
    const role = (pattern: RegExp, shape: (d: Declared) => boolean) =>
      found.find((d) => d !== process && pattern.test(d.name) && shape(d))?.prototype;
    const init = role(ROLES.init, (d) => d.params.length <= 2);
    const cleanup = role(ROLES.cleanup, (d) => d.params.length === 0);
    const info = role(ROLES.info, (d) => d.params.length === 0 && d.result === 'pointer');
    const free = role(ROLES.free, (d) => d.params.join() === 'pointer');
    const adapter: FunctionsAdapter = {
      kind: 'functions',
      convention,
      process: process.prototype,
      ...(init !== undefined && { init }),
      ...(cleanup !== undefined && { cleanup }),
      ...(info !== undefined && { info }),
      ...(convention === 'string-returned' && free !== undefined && { free }),
    };
    return {
      adapter,
      notes: [
        `${process.name} has the ${convention} shape`,
        ...(convention === 'string-returned' && free === undefined
          ? ['set "free" to the prototype of the function that releases the returned string']
          : []),
        'check the semantics: 0 must mean success, and the output must be what the prototype says',
      ],
    };
  }
  return undefined;
}

/** A starting adapter when an IModule factory, or a header prototype of a known convention, is found. */
export function suggestAdapter(
  exports: readonly string[],
  header?: string,
): AdapterSuggestion | undefined {
  const factory =
    exports.find((name) => name === 'CreateModule') ?? exports.find((name) => FACTORY.test(name));
  if (factory !== undefined) return imodule(exports, factory);
  if (header === undefined) return undefined;
  return functions(declarations(header, new Set(exports)));
}
