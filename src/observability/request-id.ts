/**
 * @module observability/request-id
 * FC 3.0 request ids: `1-<8 hex unix seconds>-<24 hex>`. The 24 hex digits are a per-process
 * random prefix and a counter, so ids are unique without a random draw per request.
 */
import { randomBytes } from 'node:crypto';

export type RequestIdFactory = (nowMs: number) => string;

export function createRequestIdFactory(): RequestIdFactory {
  const prefix = randomBytes(8).toString('hex');
  let counter = randomBytes(4).readUInt32BE(0);
  let second = -1;
  let head = '';
  return (nowMs) => {
    counter = (counter + 1) >>> 0;
    const s = Math.floor(nowMs / 1000);
    if (s !== second) {
      second = s;
      head = `1-${s.toString(16).padStart(8, '0')}-${prefix}`;
    }
    return head + counter.toString(16).padStart(8, '0');
  };
}

/** Instance ids: `c-` and 24 hex digits. */
export function createInstanceId(): string {
  return 'c-' + randomBytes(12).toString('hex');
}
