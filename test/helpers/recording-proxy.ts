/**
 * A loopback TCP proxy that records the bytes clients send, so a test can replay a captured,
 * validly signed request verbatim (the replay attack the nonce check must stop).
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface RecordingProxy {
  /** host:port to point a client at. */
  readonly endpoint: string;
  /** Everything clients sent, per connection, in order. */
  readonly captured: Buffer[][];
  close(): Promise<void>;
}

export async function startRecordingProxy(targetPort: number): Promise<RecordingProxy> {
  const captured: Buffer[][] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const chunks: Buffer[] = [];
    captured.push(chunks);
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    client.on('data', (c: Buffer) => {
      chunks.push(c);
      upstream.write(c);
    });
    upstream.on('data', (c) => client.write(c));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    captured,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Sends raw request bytes to a port and returns the HTTP status and body of the answer. */
export function sendRaw(port: number, bytes: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let data = '';
    socket.on('data', (c) => {
      data += c.toString();
      const headerEnd = data.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const length = /content-length: (\d+)/i.exec(data.slice(0, headerEnd));
      if (length && data.length >= headerEnd + 4 + Number(length[1])) {
        socket.destroy();
        resolve({ status: Number(data.split(' ')[1]), body: data.slice(headerEnd + 4) });
      }
    });
    socket.on('error', reject);
    socket.write(bytes);
  });
}
