// The main thread's half of a worker's host calls: read the call from the shared channel, serve
// it, write the reply and wake the worker.
import { serveWireCall, writeHostReply } from '../../host/host-wire.js';
import type { HostReply } from '../../host/link.js';
import type { PluginHost } from '../../host/plugin-host.js';
import { type ChannelViews, HOST_CALL, HOST_REPLY, LENGTH, STATE } from './channel.js';

// Atomics.waitAsync is in Node since 16 but in TypeScript's lib only from ES2024, whose other
// additions (Promise.withResolvers...) Node 20 lacks: typed here instead of raising the lib.
type WaitAsyncResult =
  | { async: false; value: 'not-equal' | 'timed-out' }
  | { async: true; value: Promise<'ok' | 'timed-out'> };
export const waitAsync = (
  Atomics as unknown as {
    waitAsync(array: Int32Array, index: number, value: number, timeoutMs?: number): WaitAsyncResult;
  }
).waitAsync;

/** Serves the host call the channel holds: a reply, or a promise of one. */
export function serveHostCall(
  views: ChannelViews,
  host: PluginHost,
): HostReply | Promise<HostReply> {
  return serveWireCall(host, views.data.subarray(0, views.words[LENGTH]!));
}

/** Hands the reply to the worker waiting for it. */
export function replyToHostCall(views: ChannelViews, reply: HostReply): void {
  views.words[LENGTH] = writeHostReply(views.data, reply);
  Atomics.store(views.words, STATE, HOST_REPLY);
  Atomics.notify(views.words, STATE);
}

/** How often the loading loop looks whether loading has ended. */
const LOADING_POLL_MS = 50;

/**
 * Serves the host calls a worker makes while it loads (a WASI reactor's _initialize, say), until
 * `loading` settles: the host is not in a request yet, so nothing else would answer them.
 */
export async function serveWhileLoading(
  views: ChannelViews,
  host: PluginHost,
  loading: Promise<unknown>,
): Promise<void> {
  let done = false;
  const finish = () => {
    done = true;
  };
  loading.then(finish, finish);
  const { words } = views;
  while (!done) {
    const state = Atomics.load(words, STATE);
    if (state === HOST_CALL) {
      replyToHostCall(views, await serveHostCall(views, host));
      continue;
    }
    const waiting = waitAsync(words, STATE, state, LOADING_POLL_MS);
    if (waiting.async) await waiting.value;
  }
}
