/**
 * @module functions/alias-routing
 * The rules of an alias's canary weights (`additionalVersionWeight`) and the per-invocation pick
 * of the version an alias routes to. Pure: existence of the versions is checked by the store.
 */
import { invalidArgument } from '../errors/index.js';

/** Alias names: FC's name alphabet, not starting with a digit (that would read as a version id). */
export const ALIAS_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]{0,127}$/;
/** Version ids as FC sends them: decimal, no leading zero. */
export const VERSION_ID_PATTERN = /^[1-9]\d{0,15}$/;
/** The qualifier that means the function's current, unpublished configuration. */
export const LATEST = 'LATEST';
/** Most extra versions one alias may route to. */
export const MAX_ADDITIONAL_VERSIONS = 10;
/** Rounding slack when checking that the weights sum to at most 1 (0.7 + 0.2 + 0.1 is 1.0000000000000002). */
const WEIGHT_SUM_EPSILON = 1e-9;

/** A version id from a request field (string, or an integer the caller sent as a number). */
export function parseVersionId(raw: unknown, field: string): string {
  const s = typeof raw === 'number' && Number.isInteger(raw) ? String(raw) : raw;
  if (typeof s !== 'string' || !VERSION_ID_PATTERN.test(s)) throw invalidArgument(`${field} must be a version id (a positive integer such as "1"), got ${JSON.stringify(raw)}`);
  return s;
}

export function validateAliasName(raw: unknown, field = 'aliasName'): string {
  if (typeof raw !== 'string' || !ALIAS_NAME_PATTERN.test(raw)) {
    throw invalidArgument(`${field} must be 1-128 letters, digits, '_' or '-', starting with a letter or '_', got ${JSON.stringify(raw)}`);
  }
  if (raw === LATEST) throw invalidArgument(`${field} cannot be '${LATEST}': it names the function's current configuration`);
  return raw;
}

/**
 * Checks `additionalVersionWeight` against the alias's own `versionId`: version ids as keys, each
 * weight a number in [0, 1], their sum at most 1, and never the alias's own version.
 */
export function validateWeights(raw: unknown, versionId: string): Record<string, number> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw invalidArgument('additionalVersionWeight must be an object of {"<versionId>": weight}');
  const entries = Object.entries(raw as Record<string, unknown>);
  if (entries.length > MAX_ADDITIONAL_VERSIONS) throw invalidArgument(`additionalVersionWeight may name at most ${MAX_ADDITIONAL_VERSIONS} versions`);
  const out: Record<string, number> = {};
  let sum = 0;
  for (const [key, w] of entries) {
    const v = parseVersionId(key, 'additionalVersionWeight key');
    if (v === versionId) throw invalidArgument(`additionalVersionWeight cannot name the alias's own version '${versionId}'`);
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0 || w > 1) throw invalidArgument(`additionalVersionWeight['${key}'] must be a number from 0 to 1, got ${JSON.stringify(w)}`);
    out[v] = w;
    sum += w;
  }
  if (sum > 1 + WEIGHT_SUM_EPSILON) throw invalidArgument(`the weights in additionalVersionWeight add up to ${sum}, more than 1`);
  return out;
}

/**
 * The version one invocation of an alias runs: each extra version with the probability of its
 * weight, the alias's own version otherwise. `random` returns a number in [0, 1).
 */
export function pickVersion(alias: { versionId: string; additionalVersionWeight: Readonly<Record<string, number>> }, random: () => number): string {
  const r = random();
  let upTo = 0;
  for (const [v, w] of Object.entries(alias.additionalVersionWeight)) {
    upTo += w;
    if (r < upTo) return v;
  }
  return alias.versionId;
}
