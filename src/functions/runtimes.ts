/**
 * @module functions/runtimes
 * The runtime catalogue: which FC runtime identifiers openfc runs, and with which runtime family.
 * Known FC identifiers that openfc cannot run yet are refused with a clear message.
 */

export type RuntimeFamily = 'nodejs';
export type RuntimePhase = 'active' | 'create-blocked' | 'create-and-update-blocked';

export interface RuntimeInfo {
  readonly id: string;
  readonly family: RuntimeFamily;
  readonly phase: RuntimePhase;
  /** How the runtime family is served on this machine. */
  readonly servedBy: string;
}

export const RUNTIMES: Readonly<Record<string, RuntimeInfo>> = {
  nodejs20: { id: 'nodejs20', family: 'nodejs', phase: 'active', servedBy: `the machine's Node.js ${process.versions.node}` },
  nodejs18: { id: 'nodejs18', family: 'nodejs', phase: 'active', servedBy: `the machine's Node.js ${process.versions.node}` },
};

/** FC runtime identifiers that exist in the cloud (reference §13) but are not served yet. */
export const KNOWN_FC_RUNTIMES = [
  'nodejs16', 'nodejs14', 'nodejs12', 'nodejs10', 'nodejs8', 'python3.12', 'python3.10', 'python3.9', 'python3', 'java11', 'java8',
  'php7.2', 'dotnetcore3.1', 'go1', 'custom', 'custom.debian10', 'custom.debian11', 'custom.debian12', 'custom-container',
];

export function supportedRuntimeIds(): string[] {
  return Object.keys(RUNTIMES);
}
