export type { PluginFolderOptions } from './folder-options.js';
export { DEFAULT_PREFERENCE } from './folder-scan.js';
export { type PluginManifest, parseManifest } from './manifest.js';
export { type FolderEvent, PluginFolder, watchPluginFolder } from './plugin-folder.js';
