/** Node fires a timer longer than this (about 24.8 days) after 1 ms instead: treat it as never. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Runs `callback` after `ms` without keeping the process alive for it. Returns undefined, and
 * never runs it, when `ms` is Infinity or beyond what Node's timers can wait.
 */
export function startTimer(ms: number, callback: () => void): NodeJS.Timeout | undefined {
  if (!(ms <= MAX_TIMER_MS)) return undefined;
  const timer = setTimeout(callback, ms);
  timer.unref();
  return timer;
}
