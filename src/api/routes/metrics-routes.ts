/**
 * @module api/routes/metrics-routes
 * `GET /metrics`: Prometheus metrics, unsigned for scrapers, and therefore served only to clients
 * on this machine (the loopback listener); elsewhere it is AccessDenied.
 */
import { PlatformError } from '../../errors/index.js';
import type { Metrics } from '../../observability/metrics.js';
import type { Scheduler } from '../../scheduler/index.js';
import type { QueueCounts } from '../../store/queue.js';
import type { RouteHandler } from '../context.js';
import type { Route } from '../router.js';

const isLoopback = (address: string | undefined) => !!address && (address.startsWith('127.') || address === '::1' || address === '::ffff:127.0.0.1');

/** The async queue's conservation counts, as gauges: `enqueued - in_flight - settled` is the drift, always 0. */
function asyncGauges(c: QueueCounts): string {
  const lines = [
    '# HELP openfc_async_events_enqueued_total Async events ever stored (202 answered).', '# TYPE openfc_async_events_enqueued_total counter', `openfc_async_events_enqueued_total ${c.enqueued}`,
    '# HELP openfc_async_events_in_flight Async events not settled yet (waiting, running or retrying).', '# TYPE openfc_async_events_in_flight gauge', `openfc_async_events_in_flight ${c.inFlight}`,
    '# HELP openfc_async_events_settled_total Async events settled (Succeeded, Failed, Stopped, Expired or Invalid).', '# TYPE openfc_async_events_settled_total counter', `openfc_async_events_settled_total ${c.settled}`,
    '# HELP openfc_async_conservation_drift enqueued - in_flight - settled; anything but 0 means an event was lost or settled twice.', '# TYPE openfc_async_conservation_drift gauge',
    `openfc_async_conservation_drift ${c.enqueued - c.inFlight - c.settled}`,
    '# HELP openfc_async_events Async events kept, by status.', '# TYPE openfc_async_events gauge',
    ...Object.entries(c.byStatus).map(([status, n]) => `openfc_async_events{status="${status}"} ${n}`),
  ];
  return lines.join('\n') + '\n';
}

export function metricsRoutes(deps: { metrics: Metrics; scheduler: Scheduler; asyncCounts: () => Promise<QueueCounts> }): Route<RouteHandler>[] {
  return [
    {
      method: 'GET', pattern: '/metrics', action: 'Metrics', bodyLimitBytes: 0, isPublic: true,
      handler: async (ctx) => {
        if (!isLoopback(ctx.req.socket.remoteAddress)) throw new PlatformError('AccessDenied', '/metrics is served only to clients on this machine');
        const instances = deps.scheduler.listInstances().map((i) => ({ accountId: i.accountId, functionName: i.functionName, state: i.state === 'ready' && i.isFrozen ? 'frozen' : i.state }));
        const text = deps.metrics.render(instances) + asyncGauges(await deps.asyncCounts());
        return { status: 200, body: Buffer.from(text), headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' } };
      },
    },
  ];
}
