export {
  type CaseExpectation,
  type CaseFile,
  type PluginCase,
  parseCaseFile,
  readCaseFile,
} from './case-file.js';
export {
  COMPARATOR_KINDS,
  type ComparatorKind,
  type ComparatorSpec,
  type ComparatorSpecProblem,
  type DecoderSpec,
  describeComparator,
  EXACT,
  JSON_NUMBER_MODES,
  type JsonNumberMode,
  parseComparatorFlag,
  parseComparatorSpec,
} from './comparator-spec.js';
export { decodeBytes, decodeConfig } from './encoded-bytes.js';
export { decimalValue, jsonDifference, parseJsonBytes } from './json-equal.js';
export {
  type CallOutcome,
  type CaseResult,
  callOutcome,
  checkOutcome,
  type RunCasesOptions,
  runCases,
} from './run-cases.js';
