export { deployArtifact } from './deploy.js';
export type { PluginFolderOptions } from './folder-options.js';
export { DEFAULT_PREFERENCE, type PluginFolderContents, scanPluginFolder } from './folder-scan.js';
export { folderSource } from './folder-source.js';
export { type PluginManifest, parseManifest, readManifest } from './manifest.js';
export { type FolderEvent, PluginFolder, watchPluginFolder } from './plugin-folder.js';
