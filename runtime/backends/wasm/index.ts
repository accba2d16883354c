export { compileWasmModule } from './compile-module.js';
export { createWasmCore, openWasmPlugin, type WasmCoreSettings } from './wasm-plugin.js';
