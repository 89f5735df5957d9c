/** Builds official @alicloud/fc20230330 SDK clients pointed at an openfc endpoint. */
import FC20230330Module, * as $FC from '@alicloud/fc20230330';
export type { FCClient };
import { $OpenApiUtil } from '@alicloud/openapi-core';
import * as $dara from '@darabonba/typescript';
import { Readable } from 'node:stream';

type FCClient = FC20230330Module.default;
type FCClientClass = new (config: $OpenApiUtil.Config) => FCClient;
// The package is CommonJS with `exports.default = Client`; through ESM interop the class sits one level down.
const interop = FC20230330Module as unknown as FCClientClass | { default: FCClientClass };
const FC20230330: FCClientClass = typeof interop === 'function' ? interop : interop.default;

export { $FC, $dara };

export interface ClientOptions {
  /** host:port, no scheme. */
  endpoint: string;
  accessKeyId: string;
  accessKeySecret: string;
  /** With STS credentials (AssumeRole). */
  securityToken?: string;
  protocol?: 'http' | 'https';
}

export function createFcClient(o: ClientOptions): FCClient {
  return new FC20230330(
    new $OpenApiUtil.Config({
      accessKeyId: o.accessKeyId, accessKeySecret: o.accessKeySecret, endpoint: o.endpoint, protocol: o.protocol ?? 'http',
      ...(o.securityToken !== undefined && { securityToken: o.securityToken }),
      readTimeout: 120_000, connectTimeout: 120_000,
    }),
  );
}

export interface InvokeResult {
  statusCode: number;
  headers: Record<string, string>;
  body: Buffer;
}

export async function invoke(client: FCClient, functionName: string, payload: string | Buffer = '', opts: { logTail?: boolean; qualifier?: string; type?: string } = {}): Promise<InvokeResult> {
  const r = await client.invokeFunctionWithOptions(
    functionName,
    new $FC.InvokeFunctionRequest({ qualifier: opts.qualifier, body: Readable.from([Buffer.from(payload)]) }),
    new $FC.InvokeFunctionHeaders({ xFcInvocationType: opts.type ?? 'Sync', xFcLogType: opts.logTail ? 'Tail' : 'None' }),
    new $dara.RuntimeOptions({ readTimeout: 120_000, connectTimeout: 120_000 }),
  );
  const chunks: Buffer[] = [];
  for await (const c of r.body as AsyncIterable<Buffer>) chunks.push(Buffer.from(c));
  return { statusCode: r.statusCode ?? 0, headers: (r.headers ?? {}) as Record<string, string>, body: Buffer.concat(chunks) };
}

/** Resolves with the error a promise rejects with; fails if it resolves. */
export async function rejectionOf(p: Promise<unknown>): Promise<{ code: string; statusCode: number; message: string; data?: Record<string, unknown> }> {
  try {
    await p;
  } catch (e: unknown) {
    return e as { code: string; statusCode: number; message: string };
  }
  throw new Error('expected the call to fail, but it succeeded');
}
