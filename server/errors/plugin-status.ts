import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { PluginErrorCode } from '../../runtime/index.js';

/**
 * The one table from the runtime's error codes to HTTP statuses. A new code does not compile
 * until it has a status here. 4xx: the request or the artifact sent is at fault; 502: the
 * plugin misbehaved; 503: try again later.
 */
export const PLUGIN_ERROR_STATUS: Readonly<Record<PluginErrorCode, ContentfulStatusCode>> = {
  PLUGIN_INVALID_OPTIONS: 400,
  PLUGIN_INVALID_INPUT: 400,
  PLUGIN_LOAD_FAILED: 503,
  PLUGIN_FORMAT_INVALID: 422,
  PLUGIN_PLATFORM_MISMATCH: 422,
  PLUGIN_HASH_MISMATCH: 422,
  PLUGIN_ABI_MISMATCH: 422,
  PLUGIN_INFO_INVALID: 422,
  PLUGIN_EXPORT_MISSING: 422,
  PLUGIN_IMPORT_UNSUPPORTED: 422,
  PLUGIN_CAPABILITY_DENIED: 422,
  PLUGIN_INIT_FAILED: 422,
  PLUGIN_CALL_FAILED: 422,
  PLUGIN_ABI_VIOLATION: 502,
  PLUGIN_OUTPUT_TOO_LARGE: 502,
  PLUGIN_TRAPPED: 502,
  PLUGIN_MEMORY_LIMIT: 502,
  PLUGIN_EXITED: 502,
  PLUGIN_REENTRANT_CALL: 508,
  PLUGIN_CLOSED: 503,
  PLUGIN_CASES_INVALID: 422,
  PLUGIN_CONFLICT: 409,
  PLUGIN_NOT_FOUND: 404,
  PLUGIN_VERSION_REFUSED: 409,
  PLUGIN_NAME_MISMATCH: 422,
  PLUGIN_SELF_TEST_FAILED: 422,
  PLUGIN_DRAIN_TIMEOUT: 503,
  PLUGIN_ROLLBACK_UNAVAILABLE: 409,
  // Gone, not missing: that build was taken out of service on purpose.
  PLUGIN_VERSION_WITHDRAWN: 410,
  PLUGIN_MANIFEST_INVALID: 422,
  PLUGIN_INPUT_TOO_LARGE: 413,
  PLUGIN_TIMEOUT: 504,
  PLUGIN_CRASHED: 502,
  PLUGIN_UNAVAILABLE: 503,
  PLUGIN_OVERLOADED: 429,
  // The caller's signal aborted: for the server, the client went away and reads no answer.
  // 499 (nginx's "client closed request") says so in access logs and metrics; a standard code
  // would blame someone who was not at fault (408 the client's slowness, 5xx the service).
  PLUGIN_CANCELLED: 499 as ContentfulStatusCode,
  PLUGIN_OVER_BUDGET: 507,
};
