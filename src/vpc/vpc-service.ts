/**
 * @module vpc/vpc-service
 * VPCs as an openfc resource (FC relies on Alibaba Cloud's VPC service; openfc has its own): an
 * IPv4 block owned by one account. Functions whose vpcConfig names it have their instances
 * attached to its bridge, where they reach each other and the services registered on it, and
 * nothing of other VPCs or accounts. Blocks may not overlap each other (their bridges share the
 * host's routing table) or the addresses openfc and the host reserve.
 *
 * Each VPC also has openfc's own endpoint (where the driver has bridges and `vpcEndpointPort` is
 * not -1): plain HTTP on the gateway address, reachable only from the VPC's members, opened and
 * closed with the VPC and reopened at restart. Its URL is GetVpc's `endpoint` and the
 * `OPENFC_API_ENDPOINT` of the VPC's instances. A VPC that functions are bound to (VPC bindings)
 * cannot be deleted.
 */
import { randomBytes } from 'node:crypto';
import { PlatformError, invalidArgument } from '../errors/index.js';
import type { Logger } from '../observability/logger.js';
import type { NetworkSpec, SandboxDriver, VpcAttachment } from '../sandbox/types.js';
import type { FunctionRecord, MetadataStore, VpcRecord } from '../store/types.js';
import type { Clock } from '../time/clock.js';
import { formatIpv4, overlaps, parseCidr, type Cidr } from './cidr.js';
import type { VpcEndpointHost } from './vpc-endpoint-host.js';

export interface VpcView {
  vpcId: string;
  vpcName: string;
  cidrBlock: string;
  description: string;
  createdTime: string;
  /** The VPC's gateway: the block's first address, on the host's bridge. */
  gatewayIp: string;
  /** Instances take addresses from the lower half of the block; the upper half is for registered services. */
  serviceAddressRange: string;
  /** The Linux bridge on this node (linux sandbox only): attach a service's veth to it to register the service. */
  bridge?: string;
  /** openfc's API inside the VPC (`http://<gatewayIp>:<port>`), reachable only from the VPC's members; absent where there is none. */
  endpoint?: string;
}

export interface VpcService {
  create(accountId: string, input: Record<string, unknown>): Promise<VpcView>;
  get(accountId: string, vpcId: string): Promise<VpcView>;
  list(accountId: string): Promise<{ vpcs: VpcView[] }>;
  delete(accountId: string, vpcId: string): Promise<void>;
  /** The network an instance of `fn` gets: its internet access, and its VPC when vpcConfig names one. */
  networkOf(fn: FunctionRecord): NetworkSpec;
  /** Re-creates the bridges and endpoints of every stored VPC (at start). */
  restore(): Promise<void>;
  /** The URL of the VPC's openfc endpoint, once it is open. */
  endpointOf(vpcId: string): string | undefined;
  /** What the platform adds to the environment of an instance of `fn`: `OPENFC_API_ENDPOINT` for a function in a VPC with an endpoint. */
  instanceEnvironmentOf(fn: FunctionRecord): Record<string, string>;
}

const MIN_PREFIX = 16;
const MAX_PREFIX = 28;
const MAX_BRIDGE_INDEX = 36 ** 3 - 1;
const NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const RESERVED = ['0.0.0.0/8', '127.0.0.0/8', '169.254.0.0/16', '224.0.0.0/4', '240.0.0.0/4'];


export function createVpcService(deps: {
  store: MetadataStore;
  clock: Clock;
  driver: Pick<SandboxDriver, 'vpcs'>;
  logger: Logger;
  /** Blocks openfc uses itself (the instance link range). */
  reservedBlocks: string[];
  /** Listens for each VPC's openfc endpoint; absent: VPCs have no endpoint. */
  endpoints?: VpcEndpointHost;
}): VpcService {
  const { store, clock, driver, endpoints } = deps;
  const endpointUrls = new Map<string, string>();
  const reserved: Cidr[] = [...RESERVED, ...deps.reservedBlocks].map((c) => parseCidr(c, 'reserved block'));

  const owned = (accountId: string, vpcId: string): VpcRecord => {
    const v = typeof vpcId === 'string' ? store.getVpc(vpcId) : undefined;
    if (!v || v.accountId !== accountId) throw new PlatformError('VpcNotFound', `VPC '${vpcId}' does not exist in this account`);
    return v;
  };
  const attachmentOf = (v: VpcRecord): VpcAttachment => ({ vpcId: v.vpcId, cidrBlock: v.cidrBlock, bridgeIndex: v.bridgeIndex });

  /** Opens the VPC's endpoint on its gateway (idempotent) and the firewall for it; its URL, or undefined without endpoints. */
  async function openEndpoint(v: VpcRecord, gatewayIp: string): Promise<string | undefined> {
    if (!driver.vpcs || !endpoints?.isEnabled) return undefined;
    const port = await endpoints.open(v.vpcId, gatewayIp);
    await driver.vpcs.allowEndpoint(attachmentOf(v), port);
    const url = `http://${gatewayIp}:${port}`;
    endpointUrls.set(v.vpcId, url);
    return url;
  }

  async function view(v: VpcRecord): Promise<VpcView> {
    const c = parseCidr(v.cidrBlock);
    const bridge = driver.vpcs ? await driver.vpcs.ensure(attachmentOf(v)) : undefined;
    // A VPC without its endpoint (say, the port is taken on this host) still works as a network; the next read retries.
    const endpoint = bridge
      ? await openEndpoint(v, bridge.gatewayIp).catch((e: unknown) => void deps.logger.warn('could not open the openfc endpoint of a VPC', { vpcId: v.vpcId, err: e as Error }))
      : undefined;
    return {
      vpcId: v.vpcId, vpcName: v.vpcName, cidrBlock: v.cidrBlock, description: v.description, createdTime: v.createdTime,
      gatewayIp: formatIpv4(c.first + 1), serviceAddressRange: `${formatIpv4(c.first + c.size / 2)}-${formatIpv4(c.first + c.size - 2)}`,
      ...(bridge && { bridge: bridge.bridge }),
      ...(endpoint && { endpoint }),
    };
  }

  function checkBlock(cidr: Cidr): void {
    if (cidr.prefix < MIN_PREFIX || cidr.prefix > MAX_PREFIX) throw invalidArgument(`cidrBlock must be a /${MIN_PREFIX} to /${MAX_PREFIX} block, got /${cidr.prefix}`);
    for (const r of reserved) if (overlaps(cidr, r)) throw invalidArgument(`cidrBlock ${cidr.text} overlaps ${r.text}, which is reserved`);
    for (const v of store.listVpcs()) {
      if (overlaps(cidr, parseCidr(v.cidrBlock))) throw invalidArgument(`cidrBlock ${cidr.text} overlaps the block of an existing VPC (${v.cidrBlock}); VPC blocks on one openfc must not overlap`);
    }
  }

  return {
    async create(accountId, input) {
      if (typeof input.cidrBlock !== 'string') throw invalidArgument('cidrBlock is required, e.g. "10.1.0.0/24"');
      const cidr = parseCidr(input.cidrBlock);
      checkBlock(cidr);
      const vpcId = 'vpc-' + randomBytes(10).toString('hex');
      const vpcName = input.vpcName === undefined ? vpcId : input.vpcName;
      if (typeof vpcName !== 'string' || !NAME_PATTERN.test(vpcName)) throw invalidArgument('vpcName must be 1-64 letters, digits, "_" or "-"');
      const description = input.description ?? '';
      if (typeof description !== 'string' || description.length > 256) throw invalidArgument('description must be a string of at most 256 characters');
      const used = new Set(store.listVpcs().map((v) => v.bridgeIndex));
      let bridgeIndex = 0;
      while (used.has(bridgeIndex)) bridgeIndex++;
      if (bridgeIndex > MAX_BRIDGE_INDEX) throw new PlatformError('ResourceExhausted', 'no more VPCs can be created on this openfc');
      const record: VpcRecord = { vpcId, accountId, vpcName, cidrBlock: cidr.text, description, bridgeIndex, createdTime: new Date(clock.now()).toISOString() };
      store.createVpc(record);
      try {
        return await view(record);
      } catch (e: unknown) {
        store.deleteVpc(vpcId);
        await endpoints?.close(vpcId);
        endpointUrls.delete(vpcId);
        throw e;
      }
    },
    async get(accountId, vpcId) {
      return view(owned(accountId, vpcId));
    },
    async list(accountId) {
      return { vpcs: await Promise.all(store.listVpcs(accountId).map(view)) };
    },
    async delete(accountId, vpcId) {
      const v = owned(accountId, vpcId);
      const users = store.functionsInVpc(accountId, vpcId);
      if (users.length > 0) throw new PlatformError('ResourceInUse', `VPC '${vpcId}' is used by the functions ${users.join(', ')}; remove their vpcConfig or delete them first`);
      const bound = store.functionsBoundToVpc(vpcId);
      if (bound.length > 0) throw new PlatformError('ResourceInUse', `VPC '${vpcId}' has VPC bindings of the functions ${bound.join(', ')}; delete the bindings (DeleteVpcBinding) first`);
      store.deleteVpc(vpcId);
      endpointUrls.delete(vpcId);
      await endpoints?.close(vpcId);
      await driver.vpcs?.remove(attachmentOf(v));
    },
    networkOf(fn) {
      const cfg = fn.config as { internetAccess?: boolean; vpcConfig?: { vpcId?: string } };
      const vpcId = cfg.vpcConfig?.vpcId;
      return { internet: cfg.internetAccess !== false, ...(vpcId && { vpc: attachmentOf(owned(fn.accountId, vpcId)) }) };
    },
    async restore() {
      if (!driver.vpcs) return;
      for (const v of store.listVpcs()) {
        const bridge = await driver.vpcs.ensure(attachmentOf(v)).catch((e: unknown) => deps.logger.warn('could not create the bridge of a VPC', { vpcId: v.vpcId, err: e as Error }));
        if (bridge) await openEndpoint(v, bridge.gatewayIp).catch((e: unknown) => deps.logger.warn('could not open the openfc endpoint of a VPC', { vpcId: v.vpcId, err: e as Error }));
      }
    },
    endpointOf(vpcId) {
      return endpointUrls.get(vpcId);
    },
    instanceEnvironmentOf(fn): Record<string, string> {
      const vpcId = (fn.config as { vpcConfig?: { vpcId?: string } }).vpcConfig?.vpcId;
      const url = vpcId ? endpointUrls.get(vpcId) : undefined;
      return url ? { OPENFC_API_ENDPOINT: url } : {};
    },
  };
}
