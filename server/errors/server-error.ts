import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** The server's own failures, beside the runtime's plugin error codes. Stable: clients branch on them. */
export const SERVER_STATUS = {
  /** The request is malformed: a bad header value, a body that is not the JSON expected. */
  BAD_REQUEST: 400,
  /** A traffic document (weights, rules, sticky header) is invalid. */
  INVALID_TRAFFIC: 400,
  /** The plugin name in the path is not a valid plugin name. */
  INVALID_PLUGIN_NAME: 400,
  /** An upload's X-Sha256 is missing or is not 64 hex digits. */
  SHA256_REQUIRED: 400,
  /** An upload's bytes do not hash to its X-Sha256. */
  SHA256_MISMATCH: 400,
  /** No or a malformed Authorization header on the admin API. */
  UNAUTHORIZED: 401,
  /** The bearer secret is neither the admin token nor a live API key (unknown or revoked). */
  KEY_INVALID: 401,
  /** The key's role may not do this (a caller on the admin API, a deployer on keys). */
  FORBIDDEN: 403,
  /** The key's scope does not name this plugin (or this version, for a version-scoped caller). */
  SCOPE_DENIED: 403,
  /** The admin API is off: TWINPLUG_ADMIN_TOKEN is not set. */
  ADMIN_DISABLED: 403,
  /** Native uploads are refused unless `allowNativeUploads` is set in the config. */
  NATIVE_UPLOAD_DISABLED: 403,
  /** The plugin's build in the folder is a symbolic link: an upload never replaces or archives through one. */
  ARTIFACT_IS_LINK: 409,
  /** A change raced another one to the same plugin (two rollbacks): `details.current` is the state now. */
  ROLLOUT_CONFLICT: 409,
  /** The upload's backend would not serve: another backend is preferred and serves, and twins are off. */
  UPLOAD_NOT_SERVED: 409,
  /** No route for this method and path. */
  ROUTE_NOT_FOUND: 404,
  /** No such API key. */
  KEY_NOT_FOUND: 404,
  /** The request body is larger than `maxBodyBytes`. */
  BODY_TOO_LARGE: 413,
  /** Over the key's or the plugin's rate limit; `Retry-After` says when to try again. */
  RATE_LIMITED: 429,
  /** The keys file is a link, another user's, writable by others, or malformed. */
  KEYS_FILE_INVALID: 500,
  /** An upload's validation (load, checks, self-test) did not finish in `uploadTimeoutMs`; it was stopped. */
  UPLOAD_TIMEOUT: 504,
  /** The routing file's lock is held by a live process for too long. */
  CONTROL_STORE_BUSY: 503,
  /** `--store nats://`: the fleet store is unreachable; the node keeps serving, admin writes wait. */
  CONTROL_STORE_UNAVAILABLE: 503,
  /** The server is shutting down or its plugins are not loaded yet. */
  NOT_READY: 503,
  /** `--workers N`: a worker or the primary did not answer for the process group's metrics in time. */
  METRICS_UNAVAILABLE: 503,
  /** A bug: logged with the trace ID. */
  INTERNAL_ERROR: 500,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ServerErrorCode = keyof typeof SERVER_STATUS;

/** An HTTP-level failure with a stable code; rendered like plugin errors. */
export class ServerError extends Error {
  override readonly name = 'ServerError';
  readonly code: ServerErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ServerErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.code = code;
    this.details = details;
  }

  get status(): ContentfulStatusCode {
    return SERVER_STATUS[this.code];
  }
}
