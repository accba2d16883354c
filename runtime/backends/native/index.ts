export { openNativePlugin } from './native-plugin.js';
