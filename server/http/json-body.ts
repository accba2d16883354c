import { ServerError } from '../errors/server-error.js';

/**
 * Every admin route but an upload takes at most a small JSON document (a traffic policy of 64
 * rules of 1 KiB values is about 70 KiB): larger bodies get 413 before they are read.
 */
export const ADMIN_JSON_MAX_BYTES = 256 * 1024;

export async function jsonBody(request: Request): Promise<unknown> {
  try {
    return await request.json();
  } catch {
    throw new ServerError('BAD_REQUEST', 'the body must be JSON');
  }
}
