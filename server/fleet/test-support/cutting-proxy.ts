import { connect, createServer, type Socket } from 'node:net';

/**
 * A TCP proxy in front of one nats-server that loses one answer for real: once armed with a
 * subject, it passes the client's next publish to that subject on to the server, then drops
 * the stream's acknowledgement and cuts the connection (as a network failure would). The
 * client reconnects (through the proxy or to another server it learnt) and retries.
 */
export async function cuttingProxy(target: string, stream: string) {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  let armed: string | undefined;
  let cuts = 0;
  const server = createServer((client) => {
    const upstream = connect(Number(port), hostname);
    sockets.add(client).add(upstream);
    let published = false;
    const cut = () => {
      cuts += 1;
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (chunk: Buffer) => {
      if (armed !== undefined && chunk.includes(`PUB ${armed} `)) {
        published = true;
        armed = undefined;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (published && chunk.includes(`"stream":"${stream}"`)) return cut();
      client.write(chunk);
    });
    for (const socket of [client, upstream]) {
      socket.on('error', () => {});
      socket.on('close', () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return {
    url: `nats://127.0.0.1:${address.port}`,
    /** The next publish to `subject` lands, its ack is lost with the connection. */
    arm(subject: string) {
      armed = subject;
    },
    get cuts() {
      return cuts;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
