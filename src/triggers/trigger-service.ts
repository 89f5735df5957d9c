/**
 * @module triggers/trigger-service
 * Trigger CRUD (CreateTrigger, GetTrigger, ListTriggers, UpdateTrigger, DeleteTrigger): names,
 * types and configs checked, the FC `Trigger` view built (with the HTTP trigger's URLs), and every
 * change announced so the timer scheduler follows it. A function's triggers go with it.
 */
import { randomUUID } from 'node:crypto';
import { PlatformError, invalidArgument } from '../errors/index.js';
import { fcTime, type FunctionService, type QualifierResolver } from '../functions/index.js';
import { pageLimit } from '../functions/paging.js';
import type { MetadataStore, TriggerRecord } from '../store/types.js';
import type { Clock } from '../time/clock.js';
import { checkTriggerType, normalizeTriggerConfig, parseTimerConfig } from './trigger-config.js';
import { HTTP_TRIGGER_PATH_PREFIX, STORED_ONLY_TRIGGER_TYPES, type TriggerType, type TriggerView } from './types.js';

const TRIGGER_NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,127}$/;
const ROLE_ARN = /^acs:ram::(\d+):role\/([A-Za-z0-9._-]{1,64})$/;
/** Longest description. @default 256 */
export const MAX_TRIGGER_DESCRIPTION_CHARS = 256;

/** A trigger was created, updated or deleted (`record` undefined). */
export interface TriggerChange {
  readonly triggerId: string;
  readonly record: TriggerRecord | undefined;
}

/** Where HTTP trigger URLs point: the listeners' base URLs, known once they are open. */
export interface TriggerEndpoints {
  readonly https: string;
  readonly http?: string;
}

export interface TriggerService {
  create(accountId: string, functionName: string, input: Record<string, unknown>): TriggerView;
  get(accountId: string, functionName: string, triggerName: string): TriggerView;
  list(accountId: string, functionName: string, query: { prefix?: string; limit?: string; nextToken?: string }): { triggers: TriggerView[]; nextToken?: string };
  update(accountId: string, functionName: string, triggerName: string, input: Record<string, unknown>): TriggerView;
  delete(accountId: string, functionName: string, triggerName: string): void;
  /** The trigger an HTTP trigger URL names. */
  findById(triggerId: string): TriggerRecord | undefined;
  onChange(fn: (change: TriggerChange) => void): void;
  toView(record: TriggerRecord): TriggerView;
}

function optionalString(input: Record<string, unknown>, field: string): string | undefined {
  const v = input[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw invalidArgument(`${field} must be a string`);
  return v;
}

function checkRole(accountId: string, role: string | undefined): string | undefined {
  if (role === undefined || role === '') return role;
  const m = ROLE_ARN.exec(role);
  if (!m) throw invalidArgument(`invocationRole '${role}' is not a RAM role ARN (acs:ram::<accountId>:role/<roleName>)`);
  if (m[1] !== accountId) throw invalidArgument(`invocationRole '${role}' belongs to another account; a trigger can only use a role of its own account`);
  return role;
}

function checkDescription(d: string | undefined): string | undefined {
  if (d !== undefined && d.length > MAX_TRIGGER_DESCRIPTION_CHARS) throw invalidArgument(`description must be at most ${MAX_TRIGGER_DESCRIPTION_CHARS} characters`);
  return d;
}


export function createTriggerService(deps: { store: MetadataStore; functions: FunctionService; qualifiers: QualifierResolver; clock: Clock; endpoints: () => TriggerEndpoints | undefined }): TriggerService {
  const { store, functions, clock } = deps;
  /** A trigger's qualifier must name LATEST, an existing version or an existing alias of the function. */
  const checkTriggerQualifier = (accountId: string, functionName: string, q: string | undefined): string | undefined => {
    if (q === undefined || q === '') return q;
    deps.qualifiers.check(accountId, functionName, q);
    return q;
  };
  const listeners: ((c: TriggerChange) => void)[] = [];
  const announce = (change: TriggerChange) => {
    for (const fn of listeners) fn(change);
  };
  const find = (accountId: string, functionName: string, triggerName: string): TriggerRecord => {
    functions.resolve(accountId, functionName);
    const r = store.getTrigger(accountId, functionName, triggerName);
    if (!r) throw new PlatformError('TriggerNotFound', `trigger '${triggerName}' does not exist in function '${functionName}'`);
    return r;
  };

  function statusOf(r: TriggerRecord): { status: string; stateReason?: string } {
    if ((STORED_ONLY_TRIGGER_TYPES as readonly string[]).includes(r.triggerType)) {
      return { status: 'Unsupported', stateReason: `openfc stores ${r.triggerType} triggers but nothing fires them: their event source is an Alibaba Cloud service that does not exist on a self-hosted platform` };
    }
    if (r.triggerType === 'timer' && !parseTimerConfig(r.triggerConfig).enable) return { status: 'Disabled', stateReason: 'the timer is disabled (enable: false); no schedule point fires' };
    return { status: 'OK' };
  }

  function toView(r: TriggerRecord): TriggerView {
    const view: TriggerView = {
      triggerId: r.triggerId, triggerName: r.triggerName, triggerType: r.triggerType, triggerConfig: r.triggerConfig, qualifier: r.qualifier,
      invocationRole: r.invocationRole, sourceArn: r.sourceArn, description: r.description,
      targetArn: functions.functionArn(r.accountId, r.functionName) + (r.qualifier === 'LATEST' ? '' : `/${r.qualifier}`),
      ...statusOf(r), createdTime: r.createdTime, lastModifiedTime: r.lastModifiedTime,
    };
    if (r.triggerType === 'http') {
      const ep = deps.endpoints();
      const path = `${HTTP_TRIGGER_PATH_PREFIX}${r.triggerId}`;
      view.httpTrigger = { urlInternet: ep ? ep.https + path : path, urlIntranet: ep?.http ? ep.http + path : '' };
    }
    return view;
  }

  return {
    toView,
    create(accountId, functionName, input) {
      functions.resolve(accountId, functionName);
      const triggerName = input.triggerName;
      if (typeof triggerName !== 'string' || !TRIGGER_NAME.test(triggerName)) {
        throw invalidArgument('triggerName must be 1-128 characters of letters, digits, "_" and "-", and cannot start with a digit or "-"');
      }
      const type: TriggerType = checkTriggerType(input.triggerType);
      const now = fcTime(clock.now());
      const record: TriggerRecord = {
        accountId, functionName, triggerName, triggerId: randomUUID(), triggerType: type, triggerConfig: normalizeTriggerConfig(type, input.triggerConfig),
        qualifier: checkTriggerQualifier(accountId, functionName, optionalString(input, 'qualifier')) || 'LATEST', invocationRole: checkRole(accountId, optionalString(input, 'invocationRole')) ?? '',
        sourceArn: optionalString(input, 'sourceArn') ?? '', description: checkDescription(optionalString(input, 'description')) ?? '', createdTime: now, lastModifiedTime: now,
      };
      store.createTrigger(record);
      announce({ triggerId: record.triggerId, record });
      return toView(record);
    },
    get(accountId, functionName, triggerName) {
      return toView(find(accountId, functionName, triggerName));
    },
    list(accountId, functionName, query) {
      functions.resolve(accountId, functionName);
      const page = store.listTriggers(accountId, functionName, { prefix: query.prefix || undefined, limit: pageLimit(query.limit), nextToken: query.nextToken || undefined });
      return { triggers: page.items.map(toView), ...(page.nextToken !== undefined && { nextToken: page.nextToken }) };
    },
    update(accountId, functionName, triggerName, input) {
      const old = find(accountId, functionName, triggerName);
      for (const immutable of ['triggerType', 'triggerName', 'sourceArn'] as const) {
        const v = input[immutable];
        if (v !== undefined && v !== null && v !== old[immutable]) throw invalidArgument(`${immutable} cannot be changed; delete the trigger and create it again`);
      }
      const config = input.triggerConfig;
      const qualifier = checkTriggerQualifier(accountId, functionName, optionalString(input, 'qualifier'));
      const role = checkRole(accountId, optionalString(input, 'invocationRole'));
      const description = checkDescription(optionalString(input, 'description'));
      const record: TriggerRecord = {
        ...old,
        ...(config !== undefined && config !== null && { triggerConfig: normalizeTriggerConfig(old.triggerType as TriggerType, config) }),
        ...(qualifier !== undefined && { qualifier: qualifier || 'LATEST' }),
        ...(role !== undefined && { invocationRole: role }),
        ...(description !== undefined && { description }),
        lastModifiedTime: fcTime(clock.now()),
      };
      if (!store.updateTrigger(record)) throw new PlatformError('TriggerNotFound', `trigger '${triggerName}' does not exist in function '${functionName}'`);
      announce({ triggerId: record.triggerId, record });
      return toView(record);
    },
    delete(accountId, functionName, triggerName) {
      const old = find(accountId, functionName, triggerName);
      store.deleteTrigger(accountId, functionName, triggerName);
      announce({ triggerId: old.triggerId, record: undefined });
    },
    findById(triggerId) {
      return store.getTriggerById(triggerId);
    },
    onChange(fn) {
      listeners.push(fn);
    },
  };
}
