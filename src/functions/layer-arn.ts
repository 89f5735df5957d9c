/**
 * @module functions/layer-arn
 * Layer names and layer version ARNs: `acs:fc:<region>:<accountId>:layers/<layerName>/versions/<n>`
 * (reference §6.6), formatted and parsed in one place.
 */
import { invalidArgument } from '../errors/index.js';

/** Layer names follow FC's resource-name rule (reference §5.2). */
export const LAYER_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]{0,127}$/;
const ARN_PATTERN = /^acs:fc:([^:/]+):([^:/]+):layers\/([^/]+)\/versions\/([1-9][0-9]{0,9})$/;

/** What a layer version ARN names. */
export interface LayerVersionRef {
  readonly region: string;
  readonly accountId: string;
  readonly layerName: string;
  readonly version: number;
}

export function formatLayerVersionArn(ref: LayerVersionRef): string {
  return `acs:fc:${ref.region}:${ref.accountId}:layers/${ref.layerName}/versions/${ref.version}`;
}

/** The parts of a layer version ARN, or undefined when `arn` is not one. */
export function parseLayerVersionArn(arn: string): LayerVersionRef | undefined {
  const m = ARN_PATTERN.exec(arn);
  if (!m || !LAYER_NAME_PATTERN.test(m[3]!)) return undefined;
  return { region: m[1]!, accountId: m[2]!, layerName: m[3]!, version: Number(m[4]) };
}

export function validateLayerName(name: unknown): string {
  if (typeof name !== 'string' || !LAYER_NAME_PATTERN.test(name)) {
    throw invalidArgument(`layerName must be 1-128 characters of letters, digits, '_' and '-', not starting with a digit or '-', got ${JSON.stringify(name)}`);
  }
  return name;
}

/** A layer version number from a path segment or query value: a positive integer. */
export function validateLayerVersion(raw: unknown): number {
  const v = typeof raw === 'number' ? raw : typeof raw === 'string' && /^[1-9][0-9]{0,9}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(v) || v < 1) throw invalidArgument(`version must be a positive integer, got ${JSON.stringify(raw)}`);
  return v;
}
