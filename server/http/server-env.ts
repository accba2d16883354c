import type { Logger } from '../observability/logger.js';

/** Hono's environment for every route: the request's trace ID and its logger (carrying it). */
export interface ServerEnv {
  Variables: {
    requestId: string;
    log: Logger;
  };
}
