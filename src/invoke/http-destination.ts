/**
 * @module invoke/http-destination
 * Delivers a destination record to an HTTP(S) endpoint (an openfc extension to FC's destination
 * kinds): one POST of the JSON record, answered within a timeout. Any 2xx is delivered; anything
 * else (another status, a refused connection, a timeout) is an error the caller retries.
 * Redirects are not followed.
 */
import type { Clock } from '../time/clock.js';

export type DeliveryResult = { readonly isDelivered: true } | { readonly isDelivered: false; readonly error: string };

export async function deliverToUrl(url: string, record: Buffer, options: { requestId: string; timeoutMs: number; clock: Clock }): Promise<DeliveryResult> {
  const controller = new AbortController();
  const timer = options.clock.setTimeout(() => controller.abort(), options.timeoutMs);
  try {
    const res = await fetch(url, {
      method: 'POST', body: record, redirect: 'manual', signal: controller.signal,
      headers: { 'content-type': 'application/json', 'user-agent': 'openfc-async-destination', 'x-fc-request-id': options.requestId },
    });
    await res.arrayBuffer().catch(() => undefined);
    if (res.status >= 200 && res.status < 300) return { isDelivered: true };
    return { isDelivered: false, error: `the destination answered ${res.status}` };
  } catch (e: unknown) {
    const reason = controller.signal.aborted ? `no answer within ${options.timeoutMs} ms` : ((e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message);
    return { isDelivered: false, error: `the destination could not be reached: ${reason}` };
  } finally {
    options.clock.clearTimeout(timer);
  }
}
