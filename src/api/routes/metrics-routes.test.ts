/** /metrics is unsigned, so only clients on this machine get it. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isPlatformError } from '../../errors/index.js';
import { EventBus } from '../../events/event-bus.js';
import { createMetrics } from '../../observability/metrics.js';
import type { Scheduler } from '../../scheduler/index.js';
import type { RequestContext } from '../context.js';
import { metricsRoutes } from './metrics-routes.js';

const counts = { enqueued: 5, inFlight: 2, settled: 3, byStatus: { Enqueued: 2, Succeeded: 3 } };
const [route] = metricsRoutes({ metrics: createMetrics(new EventBus()), scheduler: { listInstances: () => [] } as unknown as Scheduler, asyncCounts: async () => counts });
const ctxFrom = (remoteAddress: string) => ({ req: { socket: { remoteAddress } } }) as unknown as RequestContext;

test('answers loopback clients and refuses everyone else', async () => {
  for (const local of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) assert.equal((await route!.handler(ctxFrom(local))).status, 200, local);
  for (const remote of ['10.1.2.3', '198.18.0.2', '::ffff:192.0.2.1']) {
    await assert.rejects(async () => route!.handler(ctxFrom(remote)), (e) => isPlatformError(e, 'AccessDenied'), remote);
  }
});

test("exports the async queue's conservation: enqueued, in flight, settled and their drift", async () => {
  const reply = await route!.handler(ctxFrom('127.0.0.1'));
  const text = (reply as { body: Buffer }).body.toString();
  for (const line of ['openfc_async_events_enqueued_total 5', 'openfc_async_events_in_flight 2', 'openfc_async_events_settled_total 3', 'openfc_async_conservation_drift 0', 'openfc_async_events{status="Succeeded"} 3']) {
    assert.ok(text.includes(line + '\n'), line);
  }
});
