/** The first restart after a crash is at once; each further crash in a row waits twice as long. */
export const RESTART_BASE_MS = 100;
export const RESTART_MAX_MS = 5_000;

/** How long to wait before the restart that follows `crashes` crashes in a row (1, 2, ...). */
export function restartDelay(crashes: number): number {
  if (crashes <= 1) return 0;
  return Math.min(RESTART_MAX_MS, RESTART_BASE_MS * 2 ** (crashes - 2));
}
