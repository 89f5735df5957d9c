// The warm-invoke scenario, shared by run.ts and ab.ts: the payload, the echo function openfc
// serves it with, and the request bytes for a floor and for openfc.
import { createFunctionInput } from '../../test/helpers/functions.js';
import { createFcClient, $FC } from '../../test/helpers/sdk.js';
import { presignInvocations, type BenchCredentials } from '../lib/acs3.js';
import { serialize } from '../lib/load.js';

/** 64 bytes of JSON, the event of every request; the handler answers it back. */
export const PAYLOAD = Buffer.from(JSON.stringify({ key: 'value', list: [1, 2, 3], text: 'warm invocation payload!' }));
const INVOKE_PATH = '/2023-03-30/functions/echo/invocations';

/**
 * Creates `echo` (nodejs20, `async (event) => event`) through the official SDK. instanceConcurrency
 * is the load's concurrency, so one warm instance serves every loop, as one handler process does in
 * the floors (the default, 1, would start one instance per loop); 2048 MB gives it 1 vCPU of quota.
 */
export async function deployEcho(creds: BenchCredentials, concurrency: number): Promise<void> {
  const client = createFcClient({ endpoint: creds.host, accessKeyId: creds.accessKeyId, accessKeySecret: creds.accessKeySecret });
  await client.createFunction(new $FC.CreateFunctionRequest({
    body: await createFunctionInput('echo', { 'index.js': 'exports.handler = async (event) => event;\n' }, { instanceConcurrency: concurrency, memorySize: 2048 }),
  }));
}

/** A floor's request: the same bytes every time. */
export function floorRequest(port: number): Buffer {
  return serialize({ path: '/', headers: { 'content-type': 'application/octet-stream' }, body: PAYLOAD }, port);
}

/** openfc's requests: `count` of them signed now (one x-acs-date, a fresh nonce each). */
export function signedRequests(creds: BenchCredentials, port: number, count: number): (i: number) => Buffer | undefined {
  return presignInvocations(creds, port, { path: INVOKE_PATH, payload: PAYLOAD, invocationType: 'Sync', count });
}
