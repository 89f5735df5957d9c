/**
 * @module sandbox/types
 *
 * Glossary:
 * - **sandbox**: the isolation boundary an instance runs in (a plain process for the `process`
 *   driver; namespaces + cgroups for `linux`).
 * - **runtime**: the code that runs inside a sandbox and speaks the instance protocol
 *   (`runtimes/<family>/`), see docs/instance-protocol.md.
 * - **stem cell**: a started sandbox whose runtime is loaded but that has no function assigned yet.
 *
 * What is *not* in this contract: process handles, cgroup paths, namespace ids. The scheduler only
 * sees {@link Sandbox}.
 */
import type { InstanceChannel } from './channel/instance-channel.js';
import type { RuntimeFamily } from './runtime-launch.js';

/** A VPC an instance is attached to (see src/vpc): its address block and its bridge's index. */
export interface VpcAttachment {
  readonly vpcId: string;
  readonly cidrBlock: string;
  readonly bridgeIndex: number;
}

/**
 * The network an instance gets: `internet` is outbound access through the host (NAT); `vpc` puts
 * it on that VPC's bridge. Neither: loopback only. Both: the VPC plus a default route out.
 */
export interface NetworkSpec {
  readonly internet: boolean;
  readonly vpc?: VpcAttachment;
}

/** A short stable name of a network spec: `none`, `internet`, `vpc:<id>` or `vpc+internet:<id>`. */
export function networkKey(n: NetworkSpec): string {
  if (!n.vpc) return n.internet ? 'internet' : 'none';
  return `${n.internet ? 'vpc+internet' : 'vpc'}:${n.vpc.vpcId}`;
}

/** What a sandbox is started with. Everything function-specific arrives later through ASSIGN. */
export interface SandboxSpec {
  /** Becomes the instance id once a function is assigned. */
  readonly sandboxId: string;
  /** Runtime family that boots inside (`nodejs`, `python`, `custom`). */
  readonly runtimeFamily: RuntimeFamily;
  readonly memoryMb: number;
  /** vCPUs after the cold-start boost (the CPU quota is memory-proportional, see docs/sandbox.md). */
  readonly cpu: number;
  /** Size of the instance's /tmp. */
  readonly diskSizeMb: number;
  readonly network: NetworkSpec;
  /** The unpacked code directory on the host; the driver makes it visible (read-only) to the runtime. */
  readonly codeDir: string;
  /** Unpacked layer directories on the host, merged read-only at /opt (the first listed wins). */
  readonly layerDirs?: readonly string[];
}

export type SandboxExit = { readonly code: number | null; readonly signal: string | null; readonly isOom: boolean };

/** What the driver enforces, for warnings and GetFunction/ListInstances. */
export interface SandboxIsolation {
  readonly isIsolated: boolean;
  /** Things this driver on this host cannot enforce. */
  readonly gaps: readonly string[];
}

/** A command run inside a running instance (InstanceExec): same namespaces, cgroup and user as the function. */
export interface ExecRequest {
  /** argv; the first element is looked up on the instance's PATH. */
  readonly command: readonly string[];
  /** Runs the command on a pseudo-terminal (stdout and stderr arrive merged on stdout). */
  readonly tty: boolean;
  /** The environment the function sees (FC_* variables plus its own). */
  readonly env: Readonly<Record<string, string>>;
}

/** A running exec'd command. Its output ends when it exits; kill() ends it and whatever it started. */
export interface ExecProcess {
  readonly stdin: NodeJS.WritableStream;
  readonly stdout: NodeJS.ReadableStream;
  readonly stderr: NodeJS.ReadableStream;
  readonly exited: Promise<{ readonly code: number | null; readonly signal: string | null }>;
  kill(): void;
}

/** A started sandbox with a connected runtime. */
export interface Sandbox {
  readonly id: string;
  readonly channel: InstanceChannel;
  /** Where the runtime sees the code (`/code` when isolated, the host path otherwise). */
  readonly codeDirInside: string;
  /** Where the runtime sees the merged layers (`/opt` when isolated, a host path otherwise); absent: no layers. */
  readonly optDirInside?: string;
  /** Resolves once the sandbox's processes are gone. */
  readonly exited: Promise<SandboxExit>;
  /** Kills everything in the sandbox and releases its resources. Idempotent. */
  destroy(): Promise<void>;
  /** Lines the runtime wrote to stdout/stderr. */
  onOutput(fn: (chunk: Buffer) => void): void;
  /** Stops every process of the sandbox (no CPU, no timers) until thaw(); absent where the driver cannot freeze. */
  freeze?(): Promise<void>;
  thaw?(): Promise<void>;
  /** Starts a command inside the sandbox, for troubleshooting (the instance must not be frozen). */
  exec(request: ExecRequest): Promise<ExecProcess>;
}

/** What a stem cell is started with: everything that cannot change once its sandbox runs. */
export interface StemCellSpec {
  readonly cellId: string;
  readonly runtimeFamily: RuntimeFamily;
  readonly memoryMb: number;
  readonly diskSizeMb: number;
  readonly network: NetworkSpec;
  /** The runtime exercises its own invoke path before saying HELLO: worth it for cells that wait in a pool, not for a start someone waits on. */
  readonly isWarmedUp?: boolean;
}

/** A started sandbox with its runtime loaded and connected, but no function yet. */
export interface StemCell {
  readonly id: string;
  readonly spec: StemCellSpec;
  readonly exited: Promise<SandboxExit>;
  /** Binds the function's code in, sets its limits, thaws, and hands the sandbox over. */
  specialize(spec: SandboxSpec): Promise<Sandbox>;
  freeze?(): Promise<void>;
  destroy(): Promise<void>;
}

export interface SandboxDriver {
  readonly name: string;
  /** True when instances are isolated from each other and from the host. */
  readonly isIsolated: boolean;
  /** Starts a sandbox and resolves once its runtime said HELLO. */
  start(spec: SandboxSpec): Promise<Sandbox>;
  /** Starts a sandbox with no function assigned, to be specialised later. */
  startStemCell(spec: StemCellSpec): Promise<StemCell>;
  /** VPC bridges on this host; absent where the driver cannot attach instances to VPCs. */
  readonly vpcs?: {
    ensure(vpc: VpcAttachment): Promise<{ bridge: string; gatewayIp: string }>;
    remove(vpc: VpcAttachment): Promise<void>;
    /** Lets the VPC's members (only them) reach TCP `port` on its gateway address: openfc's VPC endpoint. */
    allowEndpoint(vpc: VpcAttachment, port: number): Promise<void>;
  };
  close(): Promise<void>;
}

/** The stem-cell key of a sandbox spec: cells are interchangeable within one key. */
export function stemCellKey(s: { runtimeFamily: string; memoryMb: number; diskSizeMb: number; network: NetworkSpec }): string {
  return `${s.runtimeFamily}/${s.memoryMb}/${s.diskSizeMb}/${networkKey(s.network)}`;
}
