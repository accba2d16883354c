export type { RegisterOptions } from './candidates.js';
export type {
  CloseReason,
  FailedStage,
  RegistryEvent,
  RegistryEventType,
  ServedCall,
  ServedVersion,
  VersionSnapshot,
  VersionState,
} from './events.js';
export { createRegistry, PluginRegistry } from './plugin-registry.js';
export type { RegisterResult, SlotSnapshot } from './plugin-slot.js';
export type { ArtifactChoice, PluginSource } from './plugin-source.js';
export {
  DEFAULT_DRAIN_TIMEOUT_MS,
  DEFAULT_RETENTION_MS,
  type PluginLoader,
  type RegistryOptions,
} from './registry-options.js';
export { TypedEvents } from './typed-events.js';
export type { VersionTarget } from './version-target.js';
