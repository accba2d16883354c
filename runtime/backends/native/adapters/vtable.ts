// Where the three IModule virtuals sit in the object's vtable, and how koffi calls a slot.
//
// The object's first word points at its vtable: an array of function pointers in declaration
// order. MSVC and the Itanium C++ ABI (g++, clang, MinGW g++) agree on that for a class whose
// only virtuals are Initialize, ProcessData and Cleanup. They differ on a virtual destructor:
// MSVC gives it one slot (the scalar deleting destructor, `void *(this, unsigned flags)`);
// Itanium gives it two (the complete-object destructor, then the deleting destructor, both
// `void (this)`). So the slots move by one or two when the destructor is declared first.
import koffi from 'koffi';
import type { IModuleAdapter } from '../../../adapter-options.js';
import { PluginError } from '../../../errors.js';

export interface VtableLayout {
  readonly initialize: number;
  readonly processData: number;
  readonly cleanup: number;
  /** The slot that destroys and frees the object, when the class has a virtual destructor. */
  readonly deleting: { readonly slot: number; readonly abi: 'itanium' | 'msvc' } | undefined;
  /** How many slots the vtable must hold. */
  readonly length: number;
}

export function vtableLayout(adapter: IModuleAdapter): VtableLayout {
  const where = adapter.virtualDestructor ?? 'none';
  if (where === 'none')
    return { initialize: 0, processData: 1, cleanup: 2, deleting: undefined, length: 3 };
  const abi = adapter.cxxAbi ?? 'itanium';
  const destructorSlots = abi === 'itanium' ? 2 : 1;
  const first = where === 'first' ? destructorSlots : 0;
  const deletingSlot = where === 'first' ? destructorSlots - 1 : 3 + destructorSlots - 1;
  return {
    initialize: first,
    processData: first + 1,
    cleanup: first + 2,
    deleting: { slot: deletingSlot, abi },
    length: 3 + destructorSlots,
  };
}

/**
 * koffi 3 calls function pointers only as cdecl or stdcall, and 32-bit MSVC and MinGW pass
 * `this` in ECX (__thiscall): there a vtable cannot be called correctly, so it is refused.
 * Everywhere else (x64 Windows, Linux, macOS, 32-bit Linux) `this` is an ordinary first argument.
 */
export function checkThisCallPlatform(): void {
  if (process.platform === 'win32' && process.arch === 'ia32')
    throw new PluginError(
      'PLUGIN_PLATFORM_MISMATCH',
      'an IModule adapter needs __thiscall calls through a vtable, which koffi cannot make on 32-bit Windows; use a 64-bit Node.js',
      { details: { hostPlatform: process.platform, hostArch: process.arch } },
    );
}

type Fn = (...args: unknown[]) => unknown;

// Anonymous prototypes are made once: koffi keeps every type it is given for good.
let prototypes: Record<'initialize' | 'processData' | 'cleanup' | 'itanium' | 'msvc', unknown>;

function slotPrototypes() {
  prototypes ??= {
    initialize: koffi.proto('bool (void *self, void *config)'),
    processData: koffi.proto('int (void *self, void *input, void *output)'),
    cleanup: koffi.proto('void (void *self)'),
    itanium: koffi.proto('void (void *self)'),
    msvc: koffi.proto('void *(void *self, uint32_t flags)'),
  };
  return prototypes;
}

/** The three slots of one object, as koffi functions that take the object first. */
export interface BoundSlots {
  readonly initialize: Fn;
  readonly processData: Fn;
  readonly cleanup: Fn;
  /** Destroys and frees the object through its virtual destructor, when it has one. */
  readonly delete: ((self: unknown) => void) | undefined;
}

/** The vtable's slot addresses, read from the object's first word. */
export function slotAddresses(object: unknown, length: number): unknown[] {
  const vtable = koffi.decode(object, 'void *');
  if (vtable === null)
    throw new PluginError('PLUGIN_INIT_FAILED', 'the IModule object has a null vtable pointer');
  const slots = koffi.decode(vtable, 'void *', length) as unknown[];
  if (slots.some((slot) => slot === null))
    throw new PluginError('PLUGIN_INIT_FAILED', 'the IModule vtable holds a null slot');
  return slots;
}

export function bindSlots(object: unknown, layout: VtableLayout): BoundSlots {
  const slots = slotAddresses(object, layout.length);
  const types = slotPrototypes();
  const at = (index: number, type: unknown) => koffi.decode(slots[index], type as never) as Fn;
  const { deleting } = layout;
  let remove: BoundSlots['delete'];
  if (deleting !== undefined) {
    const destructor = at(deleting.slot, types[deleting.abi]);
    remove = deleting.abi === 'msvc' ? (self) => destructor(self, 1) : (self) => destructor(self);
  }
  return {
    initialize: at(layout.initialize, types.initialize),
    processData: at(layout.processData, types.processData),
    cleanup: at(layout.cleanup, types.cleanup),
    delete: remove,
  };
}
