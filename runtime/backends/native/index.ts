export { readPeFileVersion } from './file-version.js';
export { openNativePlugin } from './native-plugin.js';
