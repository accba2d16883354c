export { openWasmPlugin } from './wasm-plugin.js';
