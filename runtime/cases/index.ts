export {
  type CaseExpectation,
  type CaseFile,
  type PluginCase,
  parseCaseFile,
  readCaseFile,
} from './case-file.js';
export { decodeBytes, decodeConfig } from './encoded-bytes.js';
export {
  type CallOutcome,
  type CaseResult,
  callOutcome,
  checkOutcome,
  runCases,
} from './run-cases.js';
