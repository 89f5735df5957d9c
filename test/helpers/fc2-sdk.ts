/** Builds official `@alicloud/fc2` (FC 2.0) SDK clients pointed at an openfc endpoint. */
import { createRequire } from 'node:module';

/** What the tests use of `@alicloud/fc2` (the package ships no types). */
export interface Fc2Response<T = any> {
  headers: Record<string, string>;
  data: T;
}
export interface Fc2Client {
  createService(serviceName: string, options?: Record<string, unknown>): Promise<Fc2Response>;
  getService(serviceName: string, headers?: Record<string, string>, qualifier?: string): Promise<Fc2Response>;
  listServices(options?: Record<string, unknown>): Promise<Fc2Response>;
  updateService(serviceName: string, options: Record<string, unknown>): Promise<Fc2Response>;
  deleteService(serviceName: string): Promise<Fc2Response>;
  createFunction(serviceName: string, options: Record<string, unknown>): Promise<Fc2Response>;
  getFunction(serviceName: string, functionName: string, headers?: Record<string, string>, qualifier?: string): Promise<Fc2Response>;
  listFunctions(serviceName: string, options?: Record<string, unknown>, headers?: Record<string, string>, qualifier?: string): Promise<Fc2Response>;
  updateFunction(serviceName: string, functionName: string, options: Record<string, unknown>): Promise<Fc2Response>;
  deleteFunction(serviceName: string, functionName: string): Promise<Fc2Response>;
  getFunctionCode(serviceName: string, functionName: string): Promise<Fc2Response>;
  invokeFunction(serviceName: string, functionName: string, event: string | Buffer, headers?: Record<string, string>, qualifier?: string): Promise<Fc2Response>;
  /** The SDK's signed request (path after `/2016-08-15`); an object body is sent as JSON. */
  request(method: string, path: string, query: Record<string, string> | null, body: unknown, headers?: Record<string, string>): Promise<Fc2Response>;
  get(path: string, query?: Record<string, string> | null, headers?: Record<string, string>): Promise<Fc2Response>;
}

type Fc2ClientClass = new (accountId: string, config: Record<string, unknown>) => Fc2Client;
const FC2 = createRequire(import.meta.url)('@alicloud/fc2') as Fc2ClientClass;

export function createFc2Client(o: { endpoint: string; accountId: string; accessKeyId: string; accessKeySecret: string; securityToken?: string }): Fc2Client {
  return new FC2(o.accountId, {
    accessKeyID: o.accessKeyId, accessKeySecret: o.accessKeySecret, region: 'cn-hangzhou', endpoint: o.endpoint, timeout: 60_000,
    ...(o.securityToken !== undefined && { securityToken: o.securityToken }),
  });
}

/** The error an `@alicloud/fc2` call rejects with (`name` is `FC<Code>Error`); fails if it resolves. */
export async function fc2Rejection(p: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await p;
  } catch (e: unknown) {
    return e as Error & { code?: string };
  }
  throw new Error('expected the FC 2.0 call to fail, but it succeeded');
}
