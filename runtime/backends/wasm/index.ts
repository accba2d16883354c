export {
  compileWasmModule,
  createWasmCore,
  openWasmPlugin,
  type WasmCoreSettings,
} from './wasm-plugin.js';
