/** /metrics is unsigned, so only clients on this machine get it. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isPlatformError } from '../../errors/index.js';
import { EventBus } from '../../events/event-bus.js';
import { createMetrics } from '../../observability/metrics.js';
import type { Scheduler } from '../../scheduler/index.js';
import type { RequestContext } from '../context.js';
import { metricsRoutes } from './metrics-routes.js';

const [route] = metricsRoutes({ metrics: createMetrics(new EventBus()), scheduler: { listInstances: () => [] } as unknown as Scheduler });
const ctxFrom = (remoteAddress: string) => ({ req: { socket: { remoteAddress } } }) as unknown as RequestContext;

test('answers loopback clients and refuses everyone else', async () => {
  for (const local of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) assert.equal((await route!.handler(ctxFrom(local))).status, 200, local);
  for (const remote of ['10.1.2.3', '198.18.0.2', '::ffff:192.0.2.1']) {
    assert.throws(() => route!.handler(ctxFrom(remote)), (e) => isPlatformError(e, 'AccessDenied'), remote);
  }
});
