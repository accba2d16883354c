import { bearerSecret } from './token-rule.js';

/**
 * The secret a request carries: `Authorization: Bearer <secret>`, or for the dashboard page,
 * which a browser opens without a way to add a bearer header, `Basic` with the secret as the
 * password (any user name). `null`: an Authorization header that is neither.
 */
export function requestSecret(
  header: string | undefined,
  allowBasic = false,
): string | undefined | null {
  if (header === undefined) return undefined;
  if (allowBasic && header.startsWith('Basic ')) {
    const decoded = Buffer.from(header.slice(6), 'base64').toString('latin1');
    const colon = decoded.indexOf(':');
    return colon < 0 ? null : (bearerSecret(`Bearer ${decoded.slice(colon + 1)}`) ?? null);
  }
  return bearerSecret(header) ?? null;
}
