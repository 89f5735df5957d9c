/**
 * @module api/routes/metrics-routes
 * `GET /metrics`: Prometheus metrics, unsigned for scrapers, and therefore served only to clients
 * on this machine (the loopback listener); elsewhere it is AccessDenied.
 */
import { PlatformError } from '../../errors/index.js';
import type { Metrics } from '../../observability/metrics.js';
import type { Scheduler } from '../../scheduler/index.js';
import type { RouteHandler } from '../context.js';
import type { Route } from '../router.js';

const isLoopback = (address: string | undefined) => !!address && (address.startsWith('127.') || address === '::1' || address === '::ffff:127.0.0.1');

export function metricsRoutes(deps: { metrics: Metrics; scheduler: Scheduler }): Route<RouteHandler>[] {
  return [
    {
      method: 'GET', pattern: '/metrics', action: 'Metrics', bodyLimitBytes: 0, isPublic: true,
      handler: (ctx) => {
        if (!isLoopback(ctx.req.socket.remoteAddress)) throw new PlatformError('AccessDenied', '/metrics is served only to clients on this machine');
        const instances = deps.scheduler.listInstances().map((i) => ({ accountId: i.accountId, functionName: i.functionName, state: i.state === 'ready' && i.isFrozen ? 'frozen' : i.state }));
        return { status: 200, body: Buffer.from(deps.metrics.render(instances)), headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' } };
      },
    },
  ];
}
