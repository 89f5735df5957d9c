// Client-side ACS3 signing for benchmarks lives in src/iam/acs3-client.ts, so requests can be
// signed ahead of the timed loop, each with its own nonce.
import { createHash } from 'node:crypto';
import { acsDate, signHeaders, type SigningCredentials } from '../../src/iam/acs3-client.js';
import { serialize } from './load.js';

export { acsDate, signHeaders, type SigningCredentials as BenchCredentials } from '../../src/iam/acs3-client.js';

/**
 * `count` InvokeFunction requests to `path`, signed now (one x-acs-date and body hash for the
 * batch, a fresh nonce each) and serialized for the load generator.
 */
export function presignInvocations(creds: SigningCredentials, port: number, opts: { path: string; payload: Buffer; invocationType: 'Sync' | 'Async'; count: number }): (i: number) => Buffer | undefined {
  const pre = { date: acsDate(), bodySha256: createHash('sha256').update(opts.payload).digest('hex') };
  const wire: Buffer[] = new Array(opts.count);
  for (let i = 0; i < opts.count; i++) {
    const headers = signHeaders(creds, 'POST', opts.path, 'InvokeFunction', opts.payload, 'application/octet-stream', { 'x-fc-invocation-type': opts.invocationType }, pre);
    wire[i] = serialize({ path: opts.path, headers, body: opts.payload }, port);
  }
  return (i) => wire[i];
}
