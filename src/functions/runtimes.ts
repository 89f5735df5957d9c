/**
 * @module functions/runtimes
 * The runtime catalogue: every FC runtime identifier (reference §13) with its deprecation phase,
 * and which of them openfc serves. Phases are FC's published ones unless the operator overrides
 * them (`runtimePhases`); the catalogue decides whether a create, update or invocation may go on.
 *
 * Phases, in order:
 * - **active**: everything allowed.
 * - **create-blocked** (FC phase 1): no new functions; existing ones can still be updated and invoked.
 * - **create-and-update-blocked** (FC phase 2): no create, no update; existing ones can still be invoked.
 * - **invoke-blocked** (openfc's own, for completeness): no create, no update, no invocation.
 * In every blocked phase an UpdateFunction that moves the function to a runtime allowed for new
 * functions still works: that is how a function is migrated.
 */
import { RUNTIME_PHASE_NAMES, type RuntimePhaseName } from '../config/index.js';
import { invalidArgument } from '../errors/index.js';
import { PYTHON_RUNTIME_BIN, type RuntimeFamily } from '../sandbox/index.js';

export type { RuntimeFamily };
export type RuntimePhase = RuntimePhaseName;
export const RUNTIME_PHASES = RUNTIME_PHASE_NAMES;

export interface RuntimeInfo {
  readonly id: string;
  readonly family: RuntimeFamily;
  /** How the runtime family is served on this machine. */
  readonly servedBy: string;
}

/** The runtimes openfc can run. */
export const RUNTIMES: Readonly<Record<string, RuntimeInfo>> = {
  nodejs20: { id: 'nodejs20', family: 'nodejs', servedBy: `the machine's Node.js ${process.versions.node}` },
  nodejs18: { id: 'nodejs18', family: 'nodejs', servedBy: `the machine's Node.js ${process.versions.node}` },
  'python3.12': { id: 'python3.12', family: 'python', servedBy: `the machine's Python 3 (${PYTHON_RUNTIME_BIN})` },
  'python3.10': { id: 'python3.10', family: 'python', servedBy: `the machine's Python 3 (${PYTHON_RUNTIME_BIN})` },
  'python3.9': { id: 'python3.9', family: 'python', servedBy: `the machine's Python 3 (${PYTHON_RUNTIME_BIN})` },
  custom: { id: 'custom', family: 'custom', servedBy: "the function's own bootstrap, behind openfc's adapter on the machine's Node.js" },
  'custom.debian10': { id: 'custom.debian10', family: 'custom', servedBy: "the function's own bootstrap, on this machine's OS (not Debian 10)" },
  'custom.debian11': { id: 'custom.debian11', family: 'custom', servedBy: "the function's own bootstrap, on this machine's OS (not Debian 11)" },
  'custom.debian12': { id: 'custom.debian12', family: 'custom', servedBy: "the function's own bootstrap, on this machine's OS" },
};

/**
 * The runtime family that serves an FC runtime id.
 * @throws PlatformError `InvalidArgument` for an id openfc does not serve.
 */
export function runtimeFamilyOf(id: string): RuntimeFamily {
  const info = RUNTIMES[id];
  if (!info) throw invalidArgument(`runtime '${id}' is not supported by openfc; supported: ${supportedRuntimeIds().join(', ')}`);
  return info.family;
}

export interface RuntimeCatalogueEntry {
  readonly id: string;
  readonly phase: RuntimePhase;
  /** Dates (YYYY-MM-DD) FC published for entering each phase; absent where FC gives none. */
  readonly since: Readonly<Partial<Record<RuntimePhase, string>>>;
  /** The runtime to migrate to once this one is blocked. */
  readonly successor: string;
  readonly isServed: boolean;
}

type BuiltIn = { phase: RuntimePhase; since?: Partial<Record<RuntimePhase, string>>; successor: string };
const PHASE_2_2024_12 = { 'create-and-update-blocked': '2024-12-15' };
const PHASE_2_2024_09 = { 'create-and-update-blocked': '2024-09-25' };

/** FC's runtime identifiers and phases as §13 gives them; RUNTIMES says which openfc serves. */
const BUILT_IN: Readonly<Record<string, BuiltIn>> = {
  nodejs20: { phase: 'active', successor: 'nodejs20' },
  nodejs18: { phase: 'active', successor: 'nodejs20' },
  nodejs16: { phase: 'active', successor: 'nodejs20' },
  nodejs14: { phase: 'active', successor: 'nodejs20' },
  nodejs12: { phase: 'active', successor: 'nodejs20' },
  nodejs10: { phase: 'create-and-update-blocked', since: PHASE_2_2024_12, successor: 'nodejs20' },
  nodejs8: { phase: 'create-and-update-blocked', since: PHASE_2_2024_12, successor: 'nodejs20' },
  nodejs6: { phase: 'create-and-update-blocked', since: PHASE_2_2024_09, successor: 'nodejs20' },
  'nodejs4.4': { phase: 'create-and-update-blocked', since: PHASE_2_2024_09, successor: 'nodejs20' },
  'python3.12': { phase: 'active', successor: 'python3.12' },
  'python3.10': { phase: 'active', successor: 'python3.12' },
  'python3.9': { phase: 'active', successor: 'python3.10' },
  python3: { phase: 'active', successor: 'python3.10' },
  'python2.7': { phase: 'create-and-update-blocked', since: PHASE_2_2024_09, successor: 'python3.10' },
  java11: { phase: 'active', successor: 'java11' },
  java8: { phase: 'active', successor: 'java11' },
  'php7.2': { phase: 'active', successor: 'php7.2' },
  'dotnetcore3.1': { phase: 'active', successor: 'dotnetcore3.1' },
  'dotnetcore2.1': { phase: 'create-and-update-blocked', since: PHASE_2_2024_09, successor: 'dotnetcore3.1' },
  go1: { phase: 'active', successor: 'go1' },
  custom: { phase: 'active', successor: 'custom.debian12' },
  'custom.debian10': { phase: 'active', successor: 'custom.debian12' },
  'custom.debian11': { phase: 'active', successor: 'custom.debian12' },
  'custom.debian12': { phase: 'active', successor: 'custom.debian12' },
  'custom-container': { phase: 'active', successor: 'custom-container' },
};

/** FC runtime identifiers that exist in the cloud (reference §13) but are not served yet. */
export const KNOWN_FC_RUNTIMES: readonly string[] = Object.keys(BUILT_IN).filter((id) => !RUNTIMES[id]);

export function supportedRuntimeIds(): string[] {
  return Object.keys(RUNTIMES);
}

/** The language of a runtime id (`nodejs18` → nodejs, `python3.10` → python, `custom.debian12` → custom): migrations stay within it. */
const languageOf = (id: string): string => id.split('.')[0]!.replace(/\d+$/, '');

/** What a request wants to do with a function of some runtime. */
export type RuntimeUse = 'create' | 'update' | 'invoke';

const BLOCKED_BY: Readonly<Record<RuntimePhase, readonly RuntimeUse[]>> = {
  active: [],
  'create-blocked': ['create'],
  'create-and-update-blocked': ['create', 'update'],
  'invoke-blocked': ['create', 'update', 'invoke'],
};

const STILL_ALLOWED: Readonly<Record<RuntimePhase, string>> = {
  active: '',
  'create-blocked': 'existing functions can still be updated and invoked',
  'create-and-update-blocked': 'existing functions can still be invoked',
  'invoke-blocked': 'existing functions can only be migrated to another runtime or deleted',
};

const REFUSED: Readonly<Record<RuntimeUse, string>> = {
  create: 'new functions can no longer be created with it',
  update: 'functions with it can no longer be updated',
  invoke: 'functions with it can no longer be invoked',
};

export interface RuntimeCatalogue {
  /** The entry for an FC runtime id, or undefined for an id FC does not have. */
  get(id: string): RuntimeCatalogueEntry | undefined;
  entries(): RuntimeCatalogueEntry[];
  isAllowed(id: string, use: RuntimeUse): boolean;
  /**
   * Throws InvalidArgument when `use` is not allowed for `id`: the message names the runtime, its
   * phase and date, and what to migrate to. Unknown and unserved ids are checked elsewhere.
   */
  check(id: string, use: RuntimeUse): void;
}

/**
 * The catalogue with the operator's phase overrides on top of the built-in ones. A date FC
 * published is kept only where the override names the same phase.
 * @throws PlatformError `InvalidArgument` for an override of an unknown runtime or phase.
 */
export function createRuntimeCatalogue(overrides: Readonly<Record<string, string>> = {}): RuntimeCatalogue {
  const table = new Map<string, RuntimeCatalogueEntry>();
  for (const [id, b] of Object.entries(BUILT_IN)) table.set(id, { id, phase: b.phase, since: b.since ?? {}, successor: b.successor, isServed: Boolean(RUNTIMES[id]) });
  for (const [id, phase] of Object.entries(overrides)) {
    const base = table.get(id);
    if (!base) throw invalidArgument(`runtimePhases names runtime '${id}', which is not an FC runtime; known: ${[...table.keys()].join(', ')}`);
    if (!(RUNTIME_PHASES as readonly string[]).includes(phase)) throw invalidArgument(`runtimePhases.${id} must be one of ${RUNTIME_PHASES.join(', ')}, got '${phase}'`);
    table.set(id, { ...base, phase: phase as RuntimePhase });
  }

  const isAllowed = (id: string, use: RuntimeUse) => {
    const e = table.get(id);
    return !e || !BLOCKED_BY[e.phase].includes(use);
  };
  /** A successor that new functions may use, following the chain; falls back to a served, active runtime of the same language. */
  const migrationTarget = (e: RuntimeCatalogueEntry): string | undefined => {
    const seen = new Set<string>();
    for (let id: string | undefined = e.successor; id && !seen.has(id); id = table.get(id)?.successor) {
      seen.add(id);
      if (id !== e.id && isAllowed(id, 'create')) return id;
    }
    return [...table.values()].find((x) => x.isServed && isAllowed(x.id, 'create') && languageOf(x.id) === languageOf(e.id))?.id;
  };

  return {
    get: (id) => table.get(id),
    entries: () => [...table.values()],
    isAllowed,
    check(id, use) {
      const e = table.get(id);
      if (!e || isAllowed(id, use)) return;
      const date = e.since[e.phase];
      const target = migrationTarget(e);
      const migrate = !target ? '' : use === 'create' ? `; use ${target} instead` : `; migrate to ${target} (UpdateFunction with runtime '${target}')`;
      throw invalidArgument(
        `runtime '${id}' is deprecated (phase ${e.phase}${date ? ` since ${date}` : ''}): ${REFUSED[use]}; ${STILL_ALLOWED[e.phase]}${migrate}`,
        { runtime: id, phase: e.phase, ...(date && { since: date }), ...(target && { successor: target }) },
      );
    },
  };
}
