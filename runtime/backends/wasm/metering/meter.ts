import { PluginError } from '../../../errors.js';
import { ByteWriter } from './byte-writer.js';
import { countBodies, meterBodies } from './code.js';
import { LOOP_TICKS_PER_REFILL, MIN_LOOP_TICKS_PER_REFILL, meterCode } from './meter-code.js';
import {
  appendCounterGlobal,
  appendFunctionDeclaration,
  appendFunctionImport,
  appendFunctionType,
  countImports,
  type FunctionShift,
  readFunctionTypes,
  readTypeParams,
  shiftElements,
  shiftExports,
  shiftStart,
} from './module-parts.js';
import { shiftNames } from './names.js';
import {
  customName,
  insertSection,
  readSections,
  SECTION,
  type Section,
  writeModule,
} from './sections.js';

/**
 * The one import a metered module gains: `() -> i32`, called when the tick counter runs out;
 * it answers the next allowance, or 0 to make the module trap (deadline passed, call cancelled).
 * Its own import module, apart from the host API's, and refused in a plugin's own imports.
 */
export const METER_IMPORT = { module: 'twinplug_meter', name: 'check' } as const;

const I32 = 0x7f;

function section(sections: readonly Section[], id: number): Section | undefined {
  return sections.find((entry) => entry.id === id);
}

/** Replaces a section's payload, or inserts the section where the format puts it. */
function put(sections: Section[], id: number, payload: Uint8Array): void {
  const existing = section(sections, id);
  if (existing === undefined) insertSection(sections, { id, payload });
  else existing.payload = payload;
}

/** Custom sections that address code by byte offset: wrong once code moves, and never semantic. */
function keepCustom(entry: Section, shift: FunctionShift): boolean {
  if (entry.id !== SECTION.custom) return true;
  let name: string;
  try {
    name = customName(entry.payload);
  } catch {
    return false;
  }
  if (name.startsWith('metadata.code.')) return false;
  if (name !== 'name') return true;
  try {
    entry.payload = shiftNames(entry.payload, shift);
    return true;
  } catch {
    return false;
  }
}

/** How the rewrite meters; the defaults are what the runtime uses. */
export interface MeterOptions {
  /**
   * Iterations a function's loops run between two charges to the counter global (at least 2,
   * at most 2^20). Small values make every loop take its refill path often (tests do that).
   */
  readonly loopTicksPerRefill?: number;
}

/**
 * Returns the module with metering compiled in. Each function entry counts ticks down on a new
 * mutable global. A loop that takes no parameters counts down a new local of its function
 * instead, and is wrapped so that when the local runs out, control leaves the loop, charges
 * its allowance to the global and re-enters the loop at its header: no call stays inside the
 * loop, which V8 can then unroll and keep in registers. (A function pays its loops' first
 * allowance at entry, so the global never counts less than what ran.) A loop that takes
 * parameters ticks the global at its header. Each time the global's allowance runs out, the
 * module calls {@link METER_IMPORT}, which can stop it with a trap.
 *
 * The new import takes the function index after the existing imports, so every later function
 * index (calls, `ref.func`, exports, start, element segments, names) moves up by one, and the
 * depth of every branch that leaves a wrapped loop grows by the three labels around it.
 * Anything else is copied byte for byte. A module without code is returned unchanged. Throws
 * PLUGIN_LOAD_FAILED on bytes it cannot decode, and PLUGIN_IMPORT_UNSUPPORTED when the module
 * imports from the meter's own module.
 *
 * @example
 * const metered = meter(bytes);
 * const instance = new WebAssembly.Instance(new WebAssembly.Module(metered), {
 *   twinplug_meter: { check: () => (performance.now() < deadline ? 10_000 : 0) },
 * });
 */
export function meter(bytes: Uint8Array, options: MeterOptions = {}): Uint8Array {
  const loopTicks = options.loopTicksPerRefill ?? LOOP_TICKS_PER_REFILL;
  if (!Number.isInteger(loopTicks) || loopTicks < MIN_LOOP_TICKS_PER_REFILL || loopTicks > 2 ** 20)
    throw new PluginError(
      'PLUGIN_INVALID_OPTIONS',
      `loopTicksPerRefill must be an integer from ${MIN_LOOP_TICKS_PER_REFILL} to 2^20, not ${loopTicks}`,
    );
  const sections = readSections(bytes);
  const code = section(sections, SECTION.code);
  if (code === undefined) return bytes;
  const types = section(sections, SECTION.type)?.payload;
  const imports = countImports(section(sections, SECTION.import)?.payload);
  if (imports.modules.has(METER_IMPORT.module)) {
    throw new PluginError(
      'PLUGIN_IMPORT_UNSUPPORTED',
      `module imports from "${METER_IMPORT.module}", which only the runtime may add`,
      { details: { module: METER_IMPORT.module } },
    );
  }
  const typeParams = readTypeParams(types);
  const functionTypes = readFunctionTypes(section(sections, SECTION.function)?.payload);
  const checkType = typeParams.length;
  const check = imports.functions;
  const shift: FunctionShift = (index) => (index >= check ? index + 1 : index);
  const globals = appendCounterGlobal(section(sections, SECTION.global)?.payload, shift);
  const charge = imports.functions + 1 + countBodies(code.payload);
  const inserted = meterCode(imports.globals + globals.defined, check, charge, loopTicks);
  code.payload = meterBodies(code.payload, inserted, { typeParams, functionTypes }, shift);
  put(
    sections,
    SECTION.type,
    appendFunctionType(appendFunctionType(types, [], [I32]), [I32], [I32]),
  );
  put(
    sections,
    SECTION.import,
    appendFunctionImport(
      section(sections, SECTION.import)?.payload,
      METER_IMPORT.module,
      METER_IMPORT.name,
      checkType,
    ),
  );
  put(
    sections,
    SECTION.function,
    appendFunctionDeclaration(section(sections, SECTION.function)?.payload, checkType + 1),
  );
  put(sections, SECTION.global, globals.payload);
  for (const entry of sections) {
    if (entry.id === SECTION.export) entry.payload = shiftExports(entry.payload, shift);
    else if (entry.id === SECTION.start) entry.payload = shiftStart(entry.payload, shift);
    else if (entry.id === SECTION.element) entry.payload = shiftElements(entry.payload, shift);
  }
  const writer = new ByteWriter(bytes.length * 2);
  writeModule(
    sections.filter((entry) => keepCustom(entry, shift)),
    writer,
  );
  return writer.finish();
}
