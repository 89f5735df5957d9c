/** @module cli/fc-client — the official FC 3.0 SDK client the client commands talk through, and helpers around it. */
import FC20230330Module, * as $FC from '@alicloud/fc20230330';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import * as $dara from '@darabonba/typescript';
import { resolveClientConfig, type ClientConfig, type ClientFlags } from './client-config.js';

export { $FC, $dara };

export type FcClient = FC20230330Module.default;
type FcClientClass = new (config: $OpenApiUtil.Config) => FcClient;
// The package is CommonJS with `exports.default = Client`; through ESM interop the class may sit one level down.
const interop = FC20230330Module as unknown as FcClientClass | { default: FcClientClass };
const FC20230330: FcClientClass = typeof interop === 'function' ? interop : interop.default;

/**
 * Read and connect timeout for management calls. The SDK defaults both to a few seconds, too
 * short for a large code upload.
 */
export const API_TIMEOUT_MS = 120_000;
/**
 * Timeouts for a sync invocation: FC functions may run up to 24 h, and the SDK's connect timeout is
 * also the socket's idle timeout, so both must outlast the longest function.
 */
export const INVOKE_TIMEOUT_MS = 24 * 60 * 60 * 1000 + 60_000;

export interface FcConnection {
  readonly client: FcClient;
  readonly config: ClientConfig;
  /** RuntimeOptions for one call: timeouts raised, TLS verification as configured. */
  runtime(timeoutMs?: number): $dara.RuntimeOptions;
}

/** Builds an SDK client from resolved settings. */
export function createFcConnection(config: ClientConfig): FcConnection {
  const client = new FC20230330(
    new $OpenApiUtil.Config({
      accessKeyId: config.accessKeyId,
      accessKeySecret: config.accessKeySecret,
      endpoint: config.endpoint,
      protocol: config.protocol,
      ...(config.ca !== undefined && { ca: config.ca }),
      readTimeout: API_TIMEOUT_MS,
      connectTimeout: API_TIMEOUT_MS,
    }),
  );
  return {
    client,
    config,
    runtime: (timeoutMs = API_TIMEOUT_MS) =>
      new $dara.RuntimeOptions({
        readTimeout: timeoutMs,
        connectTimeout: timeoutMs,
        ...(config.isInsecure && { ignoreSSL: true }),
        ...(config.ca !== undefined && { ca: config.ca }),
      }),
  };
}

/**
 * Resolves the connection settings of a client command and builds its client. This is the one
 * place in the CLI that reads `process.env` (config/config.ts does it for the server); everything
 * below receives the environment as a parameter.
 */
export function connect(flags: ClientFlags): FcConnection {
  return createFcConnection(resolveClientConfig(flags, process.env));
}

/** Reads a response body stream (InvokeFunction's `body`) to the end. */
export async function readBody(stream: AsyncIterable<Buffer | string> | undefined): Promise<Buffer> {
  if (!stream) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === 'string' ? Buffer.from(c) : c);
  return Buffer.concat(chunks);
}

/** Whether an SDK call failed with this FC error code (e.g. FunctionNotFound). */
export function isFcError(e: unknown, code: string): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === code;
}

/**
 * Calls an operation the SDK has no method for (openfc's own, such as CreateVpc), through the
 * SDK's generic `callApi`: same signing, same errors. Resolves to the JSON body (undefined for 204).
 */
export async function callFc(
  client: FcClient,
  op: { action: string; method: 'GET' | 'POST' | 'PUT' | 'DELETE'; pathname: string; body?: unknown; query?: Record<string, string> },
  runtime: $dara.RuntimeOptions = new $dara.RuntimeOptions({}),
): Promise<unknown> {
  const params = new $OpenApiUtil.Params({
    action: op.action, version: '2023-03-30', protocol: 'HTTPS', pathname: op.pathname, method: op.method,
    authType: 'AK', style: 'ROA', reqBodyType: 'json', bodyType: op.method === 'DELETE' ? 'none' : 'json',
  });
  const req = new $OpenApiUtil.OpenApiRequest({ headers: {}, ...(op.body !== undefined && { body: op.body }), ...(op.query !== undefined && { query: op.query }) });
  const res = (await client.callApi(params, req, runtime)) as { body?: unknown };
  return res.body;
}
