import type { Registry } from 'prom-client';
import type { ServerErrorCode } from '../errors/server-error.js';
import type { VersionSeries } from './version-series.js';

/** A worker's registry as `Registry.getMetricsAsJSON()` gives it: what `AggregatorRegistry.aggregate` takes. */
export type RegistryJson = Awaited<ReturnType<Registry['getMetricsAsJSON']>>;

/**
 * `--workers N`: what a worker and the primary say to each other about metrics, over the
 * cluster's IPC channel. The primary asks each worker for its registry (`metrics-collect`) and
 * aggregates; a worker asks the primary for the group's text or charts (`metrics-ask`).
 */
export type GroupMessage =
  | { twinplug: 'metrics-ready' }
  | { twinplug: 'metrics-collect'; seq: number; names?: readonly string[] | undefined }
  | { twinplug: 'metrics-part'; seq: number; metrics: RegistryJson }
  | { twinplug: 'metrics-ask'; seq: number; what: 'text' | 'series' }
  | {
      twinplug: 'metrics-answer';
      seq: number;
      text?: string;
      series?: VersionSeries[];
      error?: { code: ServerErrorCode; message: string };
    };

const TYPES = new Set<unknown>([
  'metrics-ready',
  'metrics-collect',
  'metrics-part',
  'metrics-ask',
  'metrics-answer',
]);

export function isGroupMessage(value: unknown): value is GroupMessage {
  return (
    typeof value === 'object' &&
    value !== null &&
    TYPES.has((value as { twinplug?: unknown }).twinplug)
  );
}

/** How long a scrape waits for a worker, and a worker for the primary. */
export const GROUP_TIMEOUT_MS = 5000;
