/** @module api — the access service: listeners, authentication, routes and error answers. */
import type { ResolvedConfig } from '../config/index.js';
import type { CodeUrlSigner, FunctionService, LayerService, QualifierResolver, VersionService } from '../functions/index.js';
import type { AsyncConfigService, AsyncInvoker, AsyncTaskService, InvokeService } from '../invoke/index.js';
import type { BlobStore } from '../store/types.js';
import type { Clock } from '../time/clock.js';
import type { RouteHandler } from './context.js';
import { Router } from './router.js';
import { codeDownloadRoutes } from './routes/code-download-routes.js';
import { functionRoutes } from './routes/function-routes.js';
import { concurrencyRoutes } from './routes/concurrency-routes.js';
import { asyncConfigRoutes } from './routes/async-config-routes.js';
import { instanceRoutes } from './routes/instance-routes.js';
import { metricsRoutes } from './routes/metrics-routes.js';
import { provisionRoutes } from './routes/provision-routes.js';
import { invokeRoutes } from './routes/invoke-routes.js';
import { asyncTaskRoutes } from './routes/async-task-routes.js';
import type { QueueCounts } from '../store/queue.js';
import { vpcRoutes } from './routes/vpc-routes.js';
import { layerRoutes } from './routes/layer-routes.js';
import { triggerRoutes } from './routes/trigger-routes.js';
import type { TriggerService } from '../triggers/index.js';
import { versionRoutes } from './routes/version-routes.js';
import { logRoutes } from './routes/log-routes.js';
import type { FunctionLogService } from '../logs/index.js';
import { execRoutes, type ExecAuthorizer } from './routes/exec-routes.js';
import { rpcRoutes, type RequestAuthorizer } from './routes/rpc-routes.js';
import type { RamOperation, StsService } from '../iam/index.js';
import type { UpgradeRoute } from './upgrade-handler.js';
import type { AuditLog } from '../exec/index.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { ProvisionService } from '../provision/index.js';
import type { ConcurrencyConfigService } from '../quotas/index.js';
import type { Scheduler } from '../scheduler/index.js';
import type { VpcBindingService, VpcService } from '../vpc/index.js';
import type { Fc2Service } from '../fc2/index.js';
import { fc2Routes } from './fc2/index.js';
import { vpcBindingRoutes } from './routes/vpc-binding-routes.js';

export { createApiHandler, type ApiHandlerDeps } from './api-handler.js';
export { createAuthenticator, type Authenticator } from './authenticate.js';
export { requestConditions } from './request-conditions.js';
export type { ExecAuthorizer } from './routes/exec-routes.js';
export type { RequestAuthorizer } from './routes/rpc-routes.js';
export { createUpgradeHandler, type UpgradeRoute } from './upgrade-handler.js';
export { startListeners, LOOPBACK_HOST, type Listeners } from './listeners.js';
export { sourceVpcOf } from './source-vpc.js';
export { createVpcEndpointListeners, type VpcEndpointListeners } from './vpc-endpoint-listeners.js';
export { createRequestLimits, type RequestLimits } from './request-limits.js';
export { createClientErrorListener } from './client-error.js';
export { loadTlsMaterial, TLS_MIN_VERSION, type TlsMaterial } from './tls.js';
export { renderError } from './errors.js';
export { encodeLogTail } from './routes/invoke-routes.js';
export type { HttpTriggerHook, HttpTriggerReply, HttpTriggerRequest } from './http-trigger-hook.js';

/** The route table of every operation openfc serves. */
export function createRouter(deps: {
  functions: FunctionService; invoke: InvokeService; asyncInvoker: AsyncInvoker; asyncTasks: AsyncTaskService; asyncCounts: () => Promise<QueueCounts>; vpcs: VpcService; scheduler: Scheduler; concurrency: ConcurrencyConfigService; asyncConfigs: AsyncConfigService; provision: ProvisionService; metrics: Metrics; sandbox: { name: string; isIsolated: boolean };
  codeUrls: CodeUrlSigner; blobs: BlobStore; clock: Clock; config: ResolvedConfig;
  ram: Readonly<Record<string, RamOperation>>; sts: StsService; authorizeRpc: RequestAuthorizer;
  /** The layer operations; absent: not served. */
  layers?: LayerService;
  /** The FC 2.0 API (`/2016-08-15`); left out when not given. */
  fc2?: Fc2Service;
  triggers?: TriggerService;
  versions: VersionService; qualifiers: QualifierResolver;
  vpcBindings?: VpcBindingService;
  functionLogs: FunctionLogService;
}): Router<RouteHandler> {
  const router = new Router<RouteHandler>();
  if (deps.layers) for (const r of layerRoutes(deps.layers, deps.config)) router.add(r);
  for (const r of [...functionRoutes(deps.functions, deps.config, deps.qualifiers), ...invokeRoutes(deps.invoke, deps.asyncInvoker, deps.config, deps.vpcBindings), ...asyncTaskRoutes(deps.asyncTasks), ...instanceRoutes(deps), ...metricsRoutes(deps), ...concurrencyRoutes(deps.concurrency), ...asyncConfigRoutes(deps.asyncConfigs), ...provisionRoutes(deps.provision, deps.qualifiers), ...vpcRoutes(deps.vpcs), ...codeDownloadRoutes(deps), ...rpcRoutes({ ram: deps.ram, sts: deps.sts, authorize: deps.authorizeRpc }), ...versionRoutes(deps.versions)]) router.add(r);
  if (deps.fc2) for (const r of fc2Routes({ fc2: deps.fc2, invoke: deps.invoke, asyncInvoker: deps.asyncInvoker, config: deps.config, ...(deps.vpcBindings && { bindings: deps.vpcBindings }) })) router.add(r);
  if (deps.triggers) for (const r of triggerRoutes(deps.triggers)) router.add(r);
  if (deps.vpcBindings) for (const r of vpcBindingRoutes(deps.vpcBindings)) router.add(r);
  for (const r of logRoutes(deps)) router.add(r);
  return router;
}

/** The route table of WebSocket operations (InstanceExec). */
export function createUpgradeRouter(deps: { functions: FunctionService; scheduler: Scheduler; audit: AuditLog; clock: Clock; logger: Logger; authorize: ExecAuthorizer }): Router<UpgradeRoute> {
  const router = new Router<UpgradeRoute>();
  for (const r of execRoutes(deps)) router.add(r);
  return router;
}
