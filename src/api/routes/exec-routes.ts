/**
 * @module api/routes/exec-routes
 * InstanceExec: `GET /2023-03-30/functions/{fn}/instances/{id}/exec` upgraded to a WebSocket.
 * Before the upgrade: options, authorisation, function and instance are checked, and anything
 * wrong is an ordinary FC error. After it, the command runs inside the instance (exec/exec-bridge
 * has the frame protocol). Every attempt is in the audit log: refused, opened and ended.
 */
import type { IncomingMessage } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { coerceError, PlatformError } from '../../errors/index.js';
import { bridgeExec, parseExecOptions, type AuditLog } from '../../exec/index.js';
import type { FunctionService } from '../../functions/index.js';
import type { Principal } from '../../iam/index.js';
import type { Logger } from '../../observability/logger.js';
import type { Scheduler } from '../../scheduler/index.js';
import type { Clock } from '../../time/clock.js';
import type { Route } from '../router.js';
import type { UpgradeRoute } from '../upgrade-handler.js';

/** Largest message a client may send (stdin arrives in chunks of at most this). */
const MAX_CLIENT_MESSAGE_BYTES = 1024 * 1024;

const remoteOf = (req: IncomingMessage) => req.socket.remoteAddress ?? '';

/** Throws AccessDenied unless the principal may exec into the instance (roots may; others need fc:InstanceExec). */
export type ExecAuthorizer = (principal: Principal, req: IncomingMessage, functionName: string, instanceId: string) => void;

export function execRoutes(deps: { functions: FunctionService; scheduler: Scheduler; audit: AuditLog; clock: Clock; logger: Logger; authorize: ExecAuthorizer }): Route<UpgradeRoute>[] {
  const { functions, scheduler, audit, clock, logger } = deps;
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_MESSAGE_BYTES });
  const route: UpgradeRoute = {
    async open({ req, socket, head, requestId, params, query, principal }) {
      const functionName = params.functionName!;
      const instanceId = params.instanceId!;
      if (req.headers.upgrade?.toLowerCase() !== 'websocket') throw new PlatformError('InvalidArgument', 'InstanceExec is a WebSocket endpoint: send Upgrade: websocket');
      const options = parseExecOptions(query);
      deps.authorize(principal, req, functionName, instanceId);
      functions.get(principal.accountId, functionName);
      const session = await scheduler.openExecSession(principal.accountId, functionName, instanceId);
      const startedAt = clock.now();
      const who = { requestId, accountId: principal.accountId, accessKeyId: principal.accessKeyId, functionName, instanceId, remoteAddress: remoteOf(req) };
      audit.write('exec.opened', { ...who, command: options.command, tty: options.tty });
      let isUpgraded = false;
      socket.once('close', () => {
        if (isUpgraded) return;
        session.end();
        audit.write('exec.ended', { ...who, reason: 'handshake-failed', durationMs: clock.now() - startedAt });
      });
      wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
        isUpgraded = true;
        void (async () => {
          try {
            const proc = await session.sandbox.exec({ command: options.command, tty: options.tty, env: session.env });
            const end = await bridgeExec(ws, proc, { ...options, idleTimeoutMs: options.idleTimeoutSec * 1000 }, clock);
            audit.write('exec.ended', { ...who, ...end, durationMs: clock.now() - startedAt });
          } catch (e: unknown) {
            const err = coerceError(e);
            logger.warn('an exec session failed', { requestId, instanceId, err });
            audit.write('exec.ended', { ...who, reason: 'failed', error: err.message, durationMs: clock.now() - startedAt });
            ws.close(1011, 'the command could not be started');
          } finally {
            session.end();
          }
        })();
      });
    },
    refused({ req, requestId, params, principal, error }) {
      const code = error instanceof PlatformError ? error.code : 'InternalServerError';
      audit.write('exec.refused', {
        requestId, code, accountId: principal?.accountId ?? null, accessKeyId: principal?.accessKeyId ?? null,
        functionName: params.functionName ?? null, instanceId: params.instanceId ?? null, remoteAddress: remoteOf(req),
      });
    },
  };
  return [{ method: 'GET', pattern: '/2023-03-30/functions/:functionName/instances/:instanceId/exec', action: 'InstanceExec', bodyLimitBytes: 0, handler: route }];
}
