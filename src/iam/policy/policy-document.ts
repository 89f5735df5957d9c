/**
 * @module iam/policy/policy-document
 * The RAM policy language: parsing and validating a policy document (JSON text or object) into a
 * normalized {@link PolicyDocument}, the registry of condition operators, and the syntax of
 * condition values (IP blocks, ISO 8601 times, numbers, booleans) that evaluation reuses.
 *
 * Glossary:
 * - **policy document**: `{ Version: "1", Statement: [...] }`, at most 6144 characters.
 * - **statement**: one `Effect` (Allow | Deny) over actions, resources and optional conditions.
 * - **action pattern**: `<service>:<Name>` or `*`, with `*` / `?` wildcards, matched case-insensitively.
 * - **resource pattern**: `*` or an ARN `acs:<service>:<region>:<account>:<path>` with wildcards,
 *   matched case-sensitively.
 * - **condition**: `{ <Operator>: { <key>: value | value[] } }`; values of one key are OR'ed, keys
 *   and operators are AND'ed.
 */
import { isIPv6 } from 'node:net';
import { PlatformError, invalidArgument } from '../../errors/index.js';

/** RAM's limit on the length of one policy document. */
export const MAX_POLICY_DOCUMENT_CHARS = 6144;
/** openfc's limit on statements per document (RAM's documents rarely get near it). */
export const MAX_POLICY_STATEMENTS = 100;

export type PolicyEffect = 'Allow' | 'Deny';
export type ConditionValue = string | number | boolean;

/** How an operator reads its values. */
export type ConditionValueKind = 'string' | 'numeric' | 'date' | 'bool' | 'ip';

export interface ConditionOperatorInfo {
  readonly kind: ConditionValueKind;
  /** The operator holds when no value matches (and when the request lacks the key). */
  readonly isNegated: boolean;
}

/** Every condition operator openfc understands (RAM's set). */
export const CONDITION_OPERATORS = {
  StringEquals: { kind: 'string', isNegated: false },
  StringNotEquals: { kind: 'string', isNegated: true },
  StringEqualsIgnoreCase: { kind: 'string', isNegated: false },
  StringNotEqualsIgnoreCase: { kind: 'string', isNegated: true },
  StringLike: { kind: 'string', isNegated: false },
  StringNotLike: { kind: 'string', isNegated: true },
  NumericEquals: { kind: 'numeric', isNegated: false },
  NumericNotEquals: { kind: 'numeric', isNegated: true },
  NumericLessThan: { kind: 'numeric', isNegated: false },
  NumericLessThanEquals: { kind: 'numeric', isNegated: false },
  NumericGreaterThan: { kind: 'numeric', isNegated: false },
  NumericGreaterThanEquals: { kind: 'numeric', isNegated: false },
  DateEquals: { kind: 'date', isNegated: false },
  DateNotEquals: { kind: 'date', isNegated: true },
  DateLessThan: { kind: 'date', isNegated: false },
  DateLessThanEquals: { kind: 'date', isNegated: false },
  DateGreaterThan: { kind: 'date', isNegated: false },
  DateGreaterThanEquals: { kind: 'date', isNegated: false },
  Bool: { kind: 'bool', isNegated: false },
  IpAddress: { kind: 'ip', isNegated: false },
  NotIpAddress: { kind: 'ip', isNegated: true },
} as const satisfies Record<string, ConditionOperatorInfo>;

export type ConditionOperator = keyof typeof CONDITION_OPERATORS;

export interface PolicyCondition {
  readonly operator: ConditionOperator;
  /** As written; evaluation looks keys up case-insensitively. */
  readonly key: string;
  /** One or more values, OR'ed. */
  readonly values: readonly ConditionValue[];
}

/** A list of patterns, or (`NotAction` / `NotResource`) everything except them. */
export interface PatternSet {
  readonly isNegated: boolean;
  readonly patterns: readonly string[];
}

export interface PolicyStatement {
  readonly effect: PolicyEffect;
  readonly actions: PatternSet;
  readonly resources: PatternSet;
  /** AND'ed; empty when the statement has no Condition. */
  readonly conditions: readonly PolicyCondition[];
}

export interface PolicyDocument {
  readonly version: '1';
  readonly statements: readonly PolicyStatement[];
}

const DOCUMENT_FIELDS = new Set(['Version', 'Statement']);
const STATEMENT_FIELDS = new Set(['Effect', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition']);
const ACTION_PATTERN = /^(\*|[A-Za-z0-9*?-]+:[A-Za-z0-9*?_-]+)$/;
const RESOURCE_PATTERN = /^(\*|acs:[^:\s]+:[^:\s]*:[^:\s]*:\S+)$/;
const CONDITION_KEY_PATTERN = /^[A-Za-z0-9*?-]+:\S+$/;

/**
 * Parses and validates a RAM policy document (JSON text, or the object it parses to). Throws
 * `InvalidArgument` naming the statement and field at fault, e.g.
 * `Statement[1].Condition.IpAddress.acs:SourceIp[0] "10.0.0.300" is not an IPv4/IPv6 address …`;
 * `field` (the API parameter, e.g. `PolicyDocument`) prefixes the message when given.
 */
export function parsePolicyDocument(input: unknown, field?: string): PolicyDocument {
  if (field === undefined) return parseDocument(input);
  try {
    return parseDocument(input);
  } catch (e: unknown) {
    if (e instanceof PlatformError) throw new PlatformError(e.code, `${field}: ${e.message}`, { cause: e, fields: { ...e.fields, field } });
    throw e;
  }
}

function parseDocument(input: unknown): PolicyDocument {
  const text = typeof input === 'string' ? input : stringifyDocument(input);
  const length = text === undefined ? 0 : characterCount(text);
  if (length > MAX_POLICY_DOCUMENT_CHARS) {
    throw invalidArgument(`the policy document has ${length} characters; the limit is ${MAX_POLICY_DOCUMENT_CHARS}`);
  }
  const raw = typeof input === 'string' ? parseJson(input) : input;
  if (!isPlainObject(raw)) throw invalidArgument('the policy document must be a JSON object');
  for (const field of Object.keys(raw)) {
    if (!DOCUMENT_FIELDS.has(field)) throw invalidArgument(`the policy document has an unknown field '${field}' (allowed: Version, Statement)`);
  }
  if (raw.Version !== '1') throw invalidArgument(`Version must be the string "1", not ${JSON.stringify(raw.Version) ?? 'missing'}`);
  const statements = raw.Statement;
  if (!Array.isArray(statements)) throw invalidArgument('Statement must be an array of statements');
  if (statements.length === 0) throw invalidArgument('Statement must hold at least one statement');
  if (statements.length > MAX_POLICY_STATEMENTS) {
    throw invalidArgument(`Statement holds ${statements.length} statements; the limit is ${MAX_POLICY_STATEMENTS}`);
  }
  return { version: '1', statements: statements.map((s: unknown, i) => parseStatement(s, `Statement[${i}]`)) };
}

function parseStatement(raw: unknown, at: string): PolicyStatement {
  if (!isPlainObject(raw)) throw invalidArgument(`${at} must be an object`);
  for (const field of Object.keys(raw)) {
    if (field === 'Principal') throw invalidArgument(`${at} has 'Principal', which only trust policies take; a permission policy names no principal`);
    if (!STATEMENT_FIELDS.has(field)) {
      throw invalidArgument(`${at} has an unknown field '${field}' (allowed: ${[...STATEMENT_FIELDS].join(', ')})`);
    }
  }
  if (raw.Effect !== 'Allow' && raw.Effect !== 'Deny') {
    throw invalidArgument(`${at}.Effect must be "Allow" or "Deny", not ${JSON.stringify(raw.Effect) ?? 'missing'}`);
  }
  return {
    effect: raw.Effect,
    actions: parsePatternSet(raw, at, 'Action', (p) => ACTION_PATTERN.test(p), "'<service>:<Action>' (e.g. 'fc:InvokeFunction') or '*'"),
    resources: parsePatternSet(raw, at, 'Resource', (p) => RESOURCE_PATTERN.test(p), "'*' or an ARN 'acs:<service>:<region>:<account>:<resource>'"),
    conditions: raw.Condition === undefined ? [] : parseConditions(raw.Condition, `${at}.Condition`),
  };
}

function parsePatternSet(
  raw: Record<string, unknown>, at: string, field: 'Action' | 'Resource', isValid: (p: string) => boolean, shape: string,
): PatternSet {
  const notField = `Not${field}`;
  const hasPlain = raw[field] !== undefined;
  const hasNot = raw[notField] !== undefined;
  if (hasPlain && hasNot) throw invalidArgument(`${at} has both ${field} and ${notField}; give one of them`);
  if (!hasPlain && !hasNot) throw invalidArgument(`${at} needs ${field} (or ${notField})`);
  const name = hasPlain ? field : notField;
  const value = raw[name];
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0) throw invalidArgument(`${at}.${name} must be a string or a non-empty array of strings`);
  const patterns = list.map((p: unknown, i) => {
    const where = typeof value === 'string' ? `${at}.${name}` : `${at}.${name}[${i}]`;
    if (typeof p !== 'string') throw invalidArgument(`${where} must be a string, not ${JSON.stringify(p)}`);
    if (!isValid(p)) throw invalidArgument(`${where} '${p}' must be ${shape}`);
    return p;
  });
  return { isNegated: hasNot, patterns };
}

function parseConditions(raw: unknown, at: string): PolicyCondition[] {
  if (!isPlainObject(raw)) throw invalidArgument(`${at} must be an object of { <Operator>: { <key>: value } }`);
  const conditions: PolicyCondition[] = [];
  for (const [operator, keys] of Object.entries(raw)) {
    if (!isConditionOperator(operator)) {
      const suggestion = Object.keys(CONDITION_OPERATORS).find((o) => o.toLowerCase() === operator.toLowerCase());
      throw invalidArgument(`${at} has an unknown operator '${operator}'${suggestion ? ` (did you mean '${suggestion}'?)` : ''}`);
    }
    if (!isPlainObject(keys) || Object.keys(keys).length === 0) {
      throw invalidArgument(`${at}.${operator} must be a non-empty object of { <key>: value | value[] }`);
    }
    for (const [key, value] of Object.entries(keys)) {
      const where = `${at}.${operator}.${key}`;
      if (!CONDITION_KEY_PATTERN.test(key)) throw invalidArgument(`${at}.${operator} has a condition key '${key}' that is not '<prefix>:<name>' (e.g. 'acs:SourceIp')`);
      const list = Array.isArray(value) ? value : [value];
      if (list.length === 0) throw invalidArgument(`${where} must have at least one value`);
      const values = list.map((v: unknown, i) => checkConditionValue(operator, v, Array.isArray(value) ? `${where}[${i}]` : where));
      conditions.push({ operator, key, values });
    }
  }
  return conditions;
}

function checkConditionValue(operator: ConditionOperator, value: unknown, where: string): ConditionValue {
  if (typeof value !== 'string' && typeof value !== 'boolean' && !(typeof value === 'number' && Number.isFinite(value))) {
    throw invalidArgument(`${where} must be a string, number or boolean, not ${JSON.stringify(value)}`);
  }
  const kind = CONDITION_OPERATORS[operator].kind;
  const shown = JSON.stringify(value);
  if (kind === 'numeric' && parseNumericValue(value) === undefined) throw invalidArgument(`${where} ${shown} is not a number (${operator})`);
  if (kind === 'bool' && parseBoolValue(value) === undefined) throw invalidArgument(`${where} ${shown} is not true or false (${operator})`);
  if (kind === 'date' && (typeof value !== 'string' || parseIsoTime(value) === undefined)) {
    throw invalidArgument(`${where} ${shown} is not an ISO 8601 time like 2026-01-31T08:00:00Z (${operator})`);
  }
  if (kind === 'ip' && (typeof value !== 'string' || parseIpBlock(value) === undefined)) {
    throw invalidArgument(`${where} ${shown} is not an IPv4/IPv6 address or CIDR block like 10.0.0.0/8 (${operator})`);
  }
  return value;
}

export function isConditionOperator(name: string): name is ConditionOperator {
  return Object.hasOwn(CONDITION_OPERATORS, name);
}

// ── Condition value syntax (shared with evaluation) ────────────────────────────────────────────

/** A number, or a string holding a decimal number. */
export function parseNumericValue(value: ConditionValue): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(value.trim())) return Number(value);
  return undefined;
}

/** `true` / `false`, as booleans or (any case) strings. */
export function parseBoolValue(value: ConditionValue): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const lower = value.toLowerCase();
    if (lower === 'true' || lower === 'false') return lower === 'true';
  }
  return undefined;
}

const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * Epoch milliseconds of an ISO 8601 date or date-time (`2026-01-31`, `2026-01-31T08:00:00+08:00`).
 * A time without an offset is read as UTC, never as the server's local time.
 */
export function parseIsoTime(text: string): number | undefined {
  const m = ISO_8601.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour = 0, minute = 0, second = 0] = m.slice(1, 7).map((p) => (p === undefined ? undefined : Number(p)));
  const ms = m[7] ? Math.floor(Number(m[7]) * 1000) : 0;
  const utc = Date.UTC(year!, month! - 1, day!, hour, minute, second, ms);
  const check = new Date(utc);
  if (check.getUTCMonth() !== month! - 1 || check.getUTCDate() !== day! || hour > 23 || minute > 59 || second > 59) return undefined;
  const zone = m[8];
  if (zone === undefined || zone.toUpperCase() === 'Z') return utc;
  const digits = zone.replace(':', '');
  const offsetMinutes = Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5));
  if (Number(digits.slice(3, 5)) > 59 || offsetMinutes > 18 * 60) return undefined;
  return utc - (zone.startsWith('-') ? -1 : 1) * offsetMinutes * 60_000;
}

/** An address or CIDR block. IPv4-mapped IPv6 (`::ffff:a.b.c.d`) is read as IPv4. */
export interface IpBlock {
  readonly family: 4 | 6;
  readonly bytes: Uint8Array;
  readonly prefixBits: number;
}

/** Parses `10.0.0.0/8`, `10.1.2.3`, `2001:db8::/32`, `::ffff:10.0.0.0/104`; undefined when invalid. */
export function parseIpBlock(text: string): IpBlock | undefined {
  const slash = text.indexOf('/');
  const address = slash < 0 ? text : text.slice(0, slash);
  const prefixText = slash < 0 ? undefined : text.slice(slash + 1);
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return undefined;
  const v4 = parseIpv4(address);
  if (v4) {
    const prefixBits = prefixText === undefined ? 32 : Number(prefixText);
    return prefixBits <= 32 ? { family: 4, bytes: v4, prefixBits } : undefined;
  }
  const v6 = parseIpv6(address);
  if (!v6) return undefined;
  const prefixBits = prefixText === undefined ? 128 : Number(prefixText);
  if (prefixBits > 128) return undefined;
  const isMapped = v6.subarray(0, 10).every((b) => b === 0) && v6[10] === 0xff && v6[11] === 0xff;
  if (isMapped && prefixBits >= 96) return { family: 4, bytes: v6.slice(12), prefixBits: prefixBits - 96 };
  return { family: 6, bytes: v6, prefixBits };
}

/** Whether `address` (a full address) lies inside `block`; families must agree. */
export function isInIpBlock(address: IpBlock, block: IpBlock): boolean {
  if (address.family !== block.family) return false;
  let bits = block.prefixBits;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((address.bytes[i]! & mask) !== (block.bytes[i]! & mask)) return false;
  }
  return true;
}

function parseIpv4(text: string): Uint8Array | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^(0|[1-9]\d{0,2})$/.test(p) || Number(p) > 255)) return undefined;
  return Uint8Array.from(parts.map(Number));
}

function parseIpv6(text: string): Uint8Array | undefined {
  if (text.includes('%') || !isIPv6(text)) return undefined;
  let body = text;
  let tail: Uint8Array | undefined;
  const lastColon = body.lastIndexOf(':');
  if (body.slice(lastColon + 1).includes('.')) {
    tail = parseIpv4(body.slice(lastColon + 1));
    if (!tail) return undefined;
    body = `${body.slice(0, lastColon + 1)}0:0`;
  }
  const [head = '', rest] = body.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const restGroups = rest === undefined || rest === '' ? [] : rest.split(':');
  const zeros = rest === undefined ? 0 : 8 - headGroups.length - restGroups.length;
  const groups = [...headGroups, ...Array<string>(zeros).fill('0'), ...restGroups];
  if (groups.length !== 8) return undefined;
  const bytes = new Uint8Array(16);
  groups.forEach((g, i) => {
    const n = parseInt(g, 16);
    bytes[2 * i] = n >> 8;
    bytes[2 * i + 1] = n & 0xff;
  });
  if (tail) bytes.set(tail, 12);
  return bytes;
}

// ── helpers ─────────────────────────────────────────────────────────────────────────────────────

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e: unknown) {
    throw new PlatformError('InvalidArgument', `the policy document is not valid JSON: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

function stringifyDocument(input: unknown): string | undefined {
  try {
    return JSON.stringify(input);
  } catch (e: unknown) {
    throw new PlatformError('InvalidArgument', 'the policy document cannot be written as JSON (it holds a cycle or a BigInt)', { cause: e });
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Characters as RAM counts them (code points). A string of more than twice the limit in UTF-16
 * units is over the limit whatever it holds, so it is not walked.
 */
function characterCount(text: string): number {
  if (text.length <= MAX_POLICY_DOCUMENT_CHARS || text.length > 2 * MAX_POLICY_DOCUMENT_CHARS) return text.length;
  return [...text].length;
}
