/**
 * @module api/vpc-endpoint-listeners
 * openfc's endpoint inside each VPC: a plain-HTTP listener on the VPC's gateway address (the
 * address of its bridge), serving the same request pipeline as the public listeners, with the same
 * transport limits. Every connection it accepts is tagged with the VPC's id (api/source-vpc), so
 * requests through it carry `acs:SourceVpc` and pass VPC bindings. The sandbox driver's firewall
 * lets only that VPC's members reach the address and port (see sandbox/drivers/linux/network.ts).
 *
 * Listeners can open before the request pipeline exists (VPCs are restored early at start):
 * until `serve()` is called they answer 503 ServiceUnavailable.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { ResolvedConfig } from '../config/index.js';
import type { VpcEndpointHost } from '../vpc/index.js';
import type { ClientErrorListener } from './client-error.js';
import type { UpgradeListener } from './listeners.js';
import { tagSourceVpc } from './source-vpc.js';

/** What the endpoints serve: the public listeners' handler, upgrade handler and connection guards. */
export interface VpcEndpointPipeline {
  handler: http.RequestListener;
  upgrade: UpgradeListener;
  /** False when the connection's source is at its connection cap: it is closed unread. */
  admitConnection: (socket: Socket) => boolean;
  onClientError: ClientErrorListener;
}

export interface VpcEndpointListeners extends VpcEndpointHost {
  /** Starts answering requests with the platform's pipeline (503 until then). */
  serve(pipeline: VpcEndpointPipeline): void;
  /** Closes every endpoint and its connections (at shutdown: the instances that use them are going too). */
  closeAll(): Promise<void>;
}

type Limits = Pick<ResolvedConfig, 'maxConnectionsPerListener' | 'headersTimeoutMs' | 'requestTimeoutMs' | 'keepAliveTimeoutMs' | 'maxHeaderBytes'>;

const NOT_READY = JSON.stringify({ Code: 'ServiceUnavailable', Message: 'openfc is starting; retry shortly', RequestId: '' });

/** Node checks header and request timeouts on an interval; as in api/listeners. */
const MAX_TIMEOUT_CHECK_INTERVAL_MS = 30_000;

export function createVpcEndpointListeners(deps: { port: number; limits: Limits }): VpcEndpointListeners {
  const { limits } = deps;
  let pipeline: VpcEndpointPipeline | undefined;
  const servers = new Map<string, Promise<{ server: http.Server; port: number }>>();
  const httpOptions: http.ServerOptions = {
    maxHeaderSize: limits.maxHeaderBytes,
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    connectionsCheckingInterval: Math.max(1, Math.min(MAX_TIMEOUT_CHECK_INTERVAL_MS, Math.floor(Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 4))),
  };

  function start(vpcId: string, address: string): Promise<{ server: http.Server; port: number }> {
    const server = http.createServer(httpOptions, (req, res) => {
      if (pipeline) return pipeline.handler(req, res);
      res.writeHead(503, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(NOT_READY)), connection: 'close' });
      res.end(NOT_READY);
    });
    server.maxConnections = limits.maxConnectionsPerListener;
    server.keepAliveTimeout = limits.keepAliveTimeoutMs;
    server.prependListener('connection', (socket: Socket) => {
      if (pipeline && !pipeline.admitConnection(socket)) {
        socket.destroy();
        return;
      }
      tagSourceVpc(socket, vpcId);
    });
    server.on('clientError', (err: Error & { code?: string }, socket) => (pipeline ? pipeline.onClientError(err, socket) : socket.destroy()));
    server.on('upgrade', (req: http.IncomingMessage, socket, head: Buffer) => (pipeline ? pipeline.upgrade(req, socket, head) : socket.destroy()));
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(deps.port, address, () => {
        server.off('error', reject);
        resolve({ server, port: (server.address() as AddressInfo).port });
      });
    });
  }

  const stop = (server: http.Server) =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });

  return {
    isEnabled: deps.port >= 0,
    async open(vpcId, address) {
      if (deps.port < 0) throw new Error('VPC endpoints are disabled (vpcEndpointPort -1)');
      let p = servers.get(vpcId);
      if (!p) {
        servers.set(vpcId, (p = start(vpcId, address)));
        p.catch(() => servers.delete(vpcId));
      }
      return (await p).port;
    },
    async close(vpcId) {
      const p = servers.get(vpcId);
      if (!p) return;
      servers.delete(vpcId);
      const s = await p.catch(() => undefined);
      // The VPC is being deleted: nothing of it should keep a connection open.
      if (s) await stop(s.server);
    },
    serve(p) {
      pipeline = p;
    },
    async closeAll() {
      const all = [...servers.values()];
      servers.clear();
      await Promise.all(all.map(async (p) => {
        const s = await p.catch(() => undefined);
        if (s) await stop(s.server);
      }));
    },
  };
}
