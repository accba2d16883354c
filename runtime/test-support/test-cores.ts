import { PluginError } from '../errors.js';
import type { PluginCore } from '../managed-plugin.js';
import type { ArtifactIdentity } from '../plugin.js';

export const identity: ArtifactIdentity = {
  path: undefined,
  format: 'wasm',
  sha256: '0'.repeat(64),
  size: 0,
};

/**
 * An isolated-looking core whose calls answer by the first input byte: 0 echoes, 1 faults
 * (PLUGIN_TRAPPED), 2 is a plugin-defined error (PLUGIN_CALL_FAILED), 3 never answers until
 * interrupted. It records interrupts.
 */
export function scriptedCore() {
  const interrupts: string[] = [];
  const hanging = new Map<Promise<Uint8Array>, (error: PluginError) => void>();
  const core: PluginCore = {
    backend: 'wasm',
    info: { name: 'scripted', version: '1.0.0', abi: 1, description: '' },
    exports: ['ProcessData'],
    initialize: () => undefined,
    call(input) {
      const kind = input[0];
      if (kind === 1) return Promise.reject(new PluginError('PLUGIN_TRAPPED', 'trap'));
      if (kind === 2)
        return Promise.reject(new PluginError('PLUGIN_CALL_FAILED', 'no', { pluginCode: -2 }));
      if (kind === 3) {
        let fail: (error: PluginError) => void = () => undefined;
        const call = new Promise<Uint8Array>((_, reject) => {
          fail = reject;
        });
        hanging.set(call, fail);
        return call;
      }
      return Promise.resolve(input.slice());
    },
    interrupt(call, reason) {
      interrupts.push(reason.code);
      hanging.get(call)?.(reason);
      return true;
    },
    dispose: () => undefined,
  };
  return { core, interrupts };
}
