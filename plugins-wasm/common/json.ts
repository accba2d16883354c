// Strict JSON for the samples (docs/samples.md), shared by pricing and redact: first a syntax
// check of the whole document (json-syntax.ts), then a cursor that walks a document which
// passed it, in document order (json-cursor.ts).
export { isValidJson, MAX_DEPTH } from "./json-syntax";
export { JsonCursor, JsonKind } from "./json-cursor";
