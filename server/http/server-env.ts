import type { Principal } from '../auth/principal.js';
import type { Logger } from '../observability/logger.js';

/** Hono's environment for every route: the request's trace ID, and the logger whose request lines carry it. */
export interface ServerEnv {
  Variables: {
    requestId: string;
    log: Logger;
    /** Who sent the request, once a key or the admin token has been checked. */
    principal: Principal | undefined;
    /** What an admin handler did, for its audit entry. */
    auditDetails: Record<string, unknown> | undefined;
  };
}
