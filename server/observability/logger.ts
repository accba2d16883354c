import { type Logger, pino } from 'pino';

export type { Logger };

/** JSON lines on stdout; `silent` for tests. Each request's lines carry its `traceId`. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options = { level, base: { pid: process.pid }, messageKey: 'msg' };
  return destination === undefined ? pino(options) : pino(options, destination);
}
