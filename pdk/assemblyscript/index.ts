// twinplug's plugin development kit for AssemblyScript (docs/authoring.md): the ABI's
// alloc/dealloc and constants, PluginInfo and its JSON, an output writer for ProcessData and the
// host API. A plugin imports it as "twinplug/pdk/assemblyscript" (asc finds it in
// node_modules/twinplug/pdk/assemblyscript/index.ts) and re-exports alloc, dealloc and
// PluginInfo from its entry file, whose exports alone become the module's:
//
//   export { alloc, dealloc, PluginInfo } from "twinplug/pdk/assemblyscript";
//   definePluginInfo("upper", "1.0.0", "ASCII upper-case");
export * from "./abi";
export * from "./host";
export * from "./output";
