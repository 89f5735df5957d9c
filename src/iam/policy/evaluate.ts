/**
 * @module iam/policy/evaluate
 * Evaluates parsed RAM policies against one request (action, resource, condition context): an
 * explicit Deny anywhere wins, otherwise any matching Allow allows, otherwise the request is
 * implicitly denied. Pure: the time is part of the request context, never read from a clock.
 *
 * Semantics worth knowing (docs/permissions.md repeats them):
 * - Action patterns match case-insensitively, resource patterns case-sensitively; `*` matches any
 *   run of characters (including `/` and `:`), `?` exactly one.
 * - Within one condition key the values are OR'ed; keys and operators are AND'ed.
 * - Condition keys are looked up case-insensitively (`acs:sourceip` finds `acs:SourceIp`).
 * - A key the request lacks fails a positive operator and satisfies a negated one
 *   (`StringNotEquals`, `StringNotEqualsIgnoreCase`, `StringNotLike`, `NumericNotEquals`,
 *   `DateNotEquals`, `NotIpAddress`).
 * - A request key with several values matches a positive operator when any of its values matches
 *   any policy value; a negated operator holds when none does.
 */
import {
  CONDITION_OPERATORS, isInIpBlock, parseBoolValue, parseIpBlock, parseIsoTime, parseNumericValue,
  type ConditionOperator, type ConditionValue, type PatternSet, type PolicyCondition, type PolicyDocument, type PolicyStatement,
} from './policy-document.js';

/** Condition keys, each mapped to its value or values. Keys are matched case-insensitively. */
export type RequestConditions = Readonly<Record<string, ConditionValue | readonly ConditionValue[] | undefined>>;

/** The global condition keys openfc fills in for every request. */
export const CONDITION_KEYS = {
  sourceIp: 'acs:SourceIp',
  sourceVpc: 'acs:SourceVpc',
  secureTransport: 'acs:SecureTransport',
  currentTime: 'acs:CurrentTime',
} as const;

export interface RequestConditionsInput {
  /** The caller's address (IPv4, IPv6 or IPv4-mapped IPv6). */
  readonly sourceIp?: string;
  /** The VPC the request came from, when it came from one. */
  readonly sourceVpc?: string;
  /** The request arrived over HTTPS. */
  readonly isSecureTransport: boolean;
  /** Request time; becomes `acs:CurrentTime` as an ISO 8601 UTC string. */
  readonly currentTimeMs: number;
  /** More keys (e.g. `fc:EnableHTTPTriggerAnonymous`); they override the ones above. */
  readonly extra?: RequestConditions;
}

/** Builds the condition context of a request from what the API layer knows about it. */
export function createRequestConditions(input: RequestConditionsInput): RequestConditions {
  return {
    ...(input.sourceIp !== undefined && { [CONDITION_KEYS.sourceIp]: input.sourceIp }),
    ...(input.sourceVpc !== undefined && { [CONDITION_KEYS.sourceVpc]: input.sourceVpc }),
    [CONDITION_KEYS.secureTransport]: input.isSecureTransport,
    [CONDITION_KEYS.currentTime]: new Date(input.currentTimeMs).toISOString(),
    ...input.extra,
  };
}

export interface AuthorizationRequest {
  /** The RAM action, e.g. `fc:InvokeFunction`. */
  readonly action: string;
  /** The resource ARN, e.g. `acs:fc:cn-hangzhou:1234:functions/prod-api`. */
  readonly resource: string;
  readonly context: RequestConditions;
}

export type PolicyDecision = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';

/** The statement that decided: the first Deny that matched, else the first Allow that matched. */
export interface MatchedStatement {
  /** Index into the `policies` argument. */
  readonly policyIndex: number;
  /** Index into that document's `Statement` array. */
  readonly statementIndex: number;
  readonly statement: PolicyStatement;
}

export interface PolicyEvaluation {
  readonly decision: PolicyDecision;
  /** Absent for ImplicitDeny. */
  readonly statement?: MatchedStatement;
}

export function evaluate(policies: readonly PolicyDocument[], request: AuthorizationRequest): PolicyEvaluation {
  const context = indexContext(request.context);
  let allow: MatchedStatement | undefined;
  for (const [policyIndex, policy] of policies.entries()) {
    for (const [statementIndex, statement] of policy.statements.entries()) {
      if (statement.effect === 'Allow' && allow) continue;
      if (!statementApplies(statement, request, context)) continue;
      const matched = { policyIndex, statementIndex, statement };
      if (statement.effect === 'Deny') return { decision: 'ExplicitDeny', statement: matched };
      allow = matched;
    }
  }
  return allow ? { decision: 'Allow', statement: allow } : { decision: 'ImplicitDeny' };
}

function statementApplies(statement: PolicyStatement, request: AuthorizationRequest, context: ContextIndex): boolean {
  return matchesPatternSet(statement.actions, request.action, true)
    && matchesPatternSet(statement.resources, request.resource, false)
    && statement.conditions.every((c) => conditionHolds(c, context));
}

function matchesPatternSet(set: PatternSet, value: string, isCaseInsensitive: boolean): boolean {
  const any = set.patterns.some((p) => matchesWildcard(p, value, isCaseInsensitive));
  return set.isNegated ? !any : any;
}

/**
 * Whether `value` matches `pattern`, where `*` matches any run of characters and `?` exactly one.
 * Linear-time greedy matching with one backtrack point (no regular expressions, no blow-up).
 */
export function matchesWildcard(pattern: string, value: string, isCaseInsensitive = false): boolean {
  const p = isCaseInsensitive ? pattern.toLowerCase() : pattern;
  const v = isCaseInsensitive ? value.toLowerCase() : value;
  let pi = 0;
  let vi = 0;
  let star = -1;
  let resume = 0;
  while (vi < v.length) {
    if (pi < p.length && (p[pi] === '?' || (p[pi] !== '*' && p[pi] === v[vi]))) {
      pi++;
      vi++;
    } else if (pi < p.length && p[pi] === '*') {
      star = pi++;
      resume = vi;
    } else if (star >= 0) {
      pi = star + 1;
      vi = ++resume;
    } else {
      return false;
    }
  }
  while (p[pi] === '*') pi++;
  return pi === p.length;
}

// ── conditions ──────────────────────────────────────────────────────────────────────────────────

type ContextIndex = ReadonlyMap<string, readonly ConditionValue[]>;

function indexContext(context: RequestConditions): ContextIndex {
  const index = new Map<string, readonly ConditionValue[]>();
  for (const [key, value] of Object.entries(context)) {
    if (value === undefined) continue;
    const values: readonly ConditionValue[] = Array.isArray(value) ? value : [value as ConditionValue];
    if (values.length > 0) index.set(key.toLowerCase(), values);
  }
  return index;
}

function conditionHolds(condition: PolicyCondition, context: ContextIndex): boolean {
  const { isNegated } = CONDITION_OPERATORS[condition.operator];
  const requestValues = context.get(condition.key.toLowerCase());
  if (!requestValues) return isNegated;
  const test = POSITIVE_TESTS[condition.operator];
  const any = requestValues.some((r) => condition.values.some((p) => test(r, p)));
  return isNegated ? !any : any;
}

type ValueTest = (requestValue: ConditionValue, policyValue: ConditionValue) => boolean;

const stringEquals: ValueTest = (r, p) => String(r) === String(p);
const stringEqualsIgnoreCase: ValueTest = (r, p) => String(r).toLowerCase() === String(p).toLowerCase();
const stringLike: ValueTest = (r, p) => matchesWildcard(String(p), String(r));
const numeric = (compare: (r: number, p: number) => boolean): ValueTest => (r, p) => {
  const rn = parseNumericValue(r);
  const pn = parseNumericValue(p);
  return rn !== undefined && pn !== undefined && compare(rn, pn);
};
const date = (compare: (r: number, p: number) => boolean): ValueTest => (r, p) => {
  const rt = requestTime(r);
  const pt = typeof p === 'string' ? parseIsoTime(p) : undefined;
  return rt !== undefined && pt !== undefined && compare(rt, pt);
};
const bool: ValueTest = (r, p) => {
  const rb = parseBoolValue(r);
  return rb !== undefined && rb === parseBoolValue(p);
};
const ipAddress: ValueTest = (r, p) => {
  if (typeof r !== 'string' || typeof p !== 'string') return false;
  const address = parseIpBlock(r.replace(/%.*$/, ''));
  const block = parseIpBlock(p);
  return address !== undefined && block !== undefined && isInIpBlock(address, block);
};

/** The positive test of each operator; negated operators reuse their positive twin's. */
const POSITIVE_TESTS: Record<ConditionOperator, ValueTest> = {
  StringEquals: stringEquals,
  StringNotEquals: stringEquals,
  StringEqualsIgnoreCase: stringEqualsIgnoreCase,
  StringNotEqualsIgnoreCase: stringEqualsIgnoreCase,
  StringLike: stringLike,
  StringNotLike: stringLike,
  NumericEquals: numeric((r, p) => r === p),
  NumericNotEquals: numeric((r, p) => r === p),
  NumericLessThan: numeric((r, p) => r < p),
  NumericLessThanEquals: numeric((r, p) => r <= p),
  NumericGreaterThan: numeric((r, p) => r > p),
  NumericGreaterThanEquals: numeric((r, p) => r >= p),
  DateEquals: date((r, p) => r === p),
  DateNotEquals: date((r, p) => r === p),
  DateLessThan: date((r, p) => r < p),
  DateLessThanEquals: date((r, p) => r <= p),
  DateGreaterThan: date((r, p) => r > p),
  DateGreaterThanEquals: date((r, p) => r >= p),
  Bool: bool,
  IpAddress: ipAddress,
  NotIpAddress: ipAddress,
};

/** A request time: epoch milliseconds, or an ISO 8601 string. */
function requestTime(value: ConditionValue): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  return typeof value === 'string' ? parseIsoTime(value) : undefined;
}
