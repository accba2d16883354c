import type { HttpBindings } from '@hono/node-server';
import type { Context } from 'hono';
import { PluginError } from '../../runtime/index.js';

const gone = (cause: unknown) =>
  new PluginError('PLUGIN_CANCELLED', 'the client closed the connection before the body ended', {
    cause,
  });

/**
 * The body of a request that arrived over HTTP/1 (Node's IncomingMessage in the bindings of
 * @hono/node-server), or undefined without one (`app.request`, HTTP/2, a body already read):
 * the caller reads it through Hono then. Read here, its one chunk (or the chunks joined) is
 * handed over as it is; `c.req.arrayBuffer()` copies it into a fresh ArrayBuffer and passes it
 * through two more promises, about 0.6 µs of a 20 µs request in the server profile
 * (docs/benchmarks.md). A connection that closes or fails before the body's end rejects with
 * PLUGIN_CANCELLED (499: the client has gone).
 */
export function readIncoming(c: Context): Promise<Uint8Array> | undefined {
  const incoming = (c.env as Partial<HttpBindings> | undefined)?.incoming;
  if (incoming === undefined || !('readableDidRead' in incoming) || incoming.readableDidRead)
    return undefined;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const onData = (chunk: Buffer) => chunks.push(chunk);
    const finish = (error?: Error) => {
      incoming.off('data', onData);
      incoming.off('end', finish);
      incoming.off('error', finish);
      incoming.off('close', onClose);
      if (error !== undefined) reject(gone(error));
      else resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    };
    const onClose = () => {
      if (!incoming.readableEnded) finish(incoming.errored ?? new Error('connection closed'));
    };
    incoming.on('data', onData);
    incoming.on('end', finish);
    incoming.on('error', finish);
    incoming.on('close', onClose);
    if (incoming.destroyed) onClose(); // gone before anyone listened: no event will come
  });
}
