/**
 * @module triggers/trigger-config
 * Validation of `triggerConfig` (a JSON string, reference §6.4) per `triggerType`. `http` and
 * `timer` are checked field by field since openfc runs them; the event-source kinds of Alibaba
 * Cloud (oss, log, mns_topic, cdn_events, tablestore, eventbridge) are checked for shape only and
 * stored: nothing on a self-hosted platform fires them, and their status says so.
 */
import { invalidArgument } from '../errors/index.js';
import { checkCorsConfig } from './cors.js';
import { parseTimerSchedule } from './timer-schedule.js';
import type { HttpTriggerConfig, TimerTriggerConfig, TriggerType } from './types.js';
import { FIRED_TRIGGER_TYPES, STORED_ONLY_TRIGGER_TYPES } from './types.js';

/** HTTP methods an HTTP trigger may accept. */
export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'PATCH', 'OPTIONS'] as const;
/** Largest `payload` of a timer trigger. @default 8 KB */
export const MAX_TIMER_PAYLOAD_BYTES = 8 * 1024;
const AUTH_TYPES = ['anonymous', 'function'];

const ALL_TYPES: readonly string[] = [...FIRED_TRIGGER_TYPES, ...STORED_ONLY_TRIGGER_TYPES];

export function checkTriggerType(v: unknown): TriggerType {
  if (typeof v !== 'string' || !ALL_TYPES.includes(v)) throw invalidArgument(`triggerType must be one of ${ALL_TYPES.join(', ')}, got ${JSON.stringify(v ?? null)}`);
  return v as TriggerType;
}

function parseObject(type: string, text: unknown, isEmptyAllowed: boolean): Record<string, unknown> {
  if (text === undefined || text === null || text === '') {
    if (isEmptyAllowed) return {};
    throw invalidArgument(`triggerConfig is required for ${type} triggers (a JSON string)`);
  }
  if (typeof text !== 'string') throw invalidArgument('triggerConfig must be a JSON-encoded string, not an object');
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw invalidArgument(`triggerConfig of a ${type} trigger is not valid JSON`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalidArgument(`triggerConfig of a ${type} trigger must be a JSON object`);
  return v as Record<string, unknown>;
}

function checkHttp(c: Record<string, unknown>): HttpTriggerConfig {
  const known = ['authType', 'authConfig', 'methods', 'disableURLInternet', 'corsConfig'];
  for (const k of Object.keys(c)) if (!known.includes(k)) throw invalidArgument(`triggerConfig of an http trigger has unknown field '${k}' (known: ${known.join(', ')})`);
  const authType = c.authType ?? 'function';
  if (typeof authType !== 'string' || !AUTH_TYPES.includes(authType)) {
    throw invalidArgument(`triggerConfig.authType must be anonymous or function${authType === 'jwt' ? ' (jwt is not supported by openfc)' : ''}, got ${JSON.stringify(authType)}`);
  }
  const methods = c.methods ?? [...HTTP_METHODS];
  if (!Array.isArray(methods) || methods.length === 0) throw invalidArgument(`triggerConfig.methods must be a non-empty array of ${HTTP_METHODS.join(', ')}`);
  const seen = new Set<string>();
  for (const m of methods) {
    if (typeof m !== 'string' || !(HTTP_METHODS as readonly string[]).includes(m.toUpperCase())) throw invalidArgument(`triggerConfig.methods has ${JSON.stringify(m)}; allowed: ${HTTP_METHODS.join(', ')}`);
    seen.add(m.toUpperCase());
  }
  if (c.disableURLInternet !== undefined && typeof c.disableURLInternet !== 'boolean') throw invalidArgument('triggerConfig.disableURLInternet must be true or false');
  if (c.authConfig !== undefined && typeof c.authConfig !== 'string') throw invalidArgument('triggerConfig.authConfig must be a string');
  const corsConfig = c.corsConfig === undefined || c.corsConfig === null ? undefined : checkCorsConfig(c.corsConfig);
  return { authType: authType as HttpTriggerConfig['authType'], methods: [...seen], disableURLInternet: c.disableURLInternet === true, ...(corsConfig && { corsConfig }) };
}

function checkTimer(c: Record<string, unknown>): TimerTriggerConfig {
  const known = ['cronExpression', 'payload', 'enable'];
  for (const k of Object.keys(c)) if (!known.includes(k)) throw invalidArgument(`triggerConfig of a timer trigger has unknown field '${k}' (known: ${known.join(', ')})`);
  if (typeof c.cronExpression !== 'string' || c.cronExpression.trim() === '') throw invalidArgument("triggerConfig.cronExpression is required for timer triggers, such as '0 0/5 * * * *' or '@every 1m'");
  parseTimerSchedule(c.cronExpression);
  const payload = c.payload ?? '';
  if (typeof payload !== 'string') throw invalidArgument('triggerConfig.payload must be a string (it is passed to the function as it is)');
  if (Buffer.byteLength(payload) > MAX_TIMER_PAYLOAD_BYTES) throw invalidArgument(`triggerConfig.payload is larger than ${MAX_TIMER_PAYLOAD_BYTES} bytes`);
  if (c.enable !== undefined && typeof c.enable !== 'boolean') throw invalidArgument('triggerConfig.enable must be true or false');
  return { cronExpression: c.cronExpression, payload, enable: c.enable !== false };
}

/**
 * Checks a triggerConfig string for its type and returns the text to store: for http and timer the
 * normalized config (defaults filled in), for the other types the user's JSON as sent.
 */
export function normalizeTriggerConfig(type: TriggerType, text: unknown): string {
  if (type === 'http') return JSON.stringify({ ...parseObject(type, text, true), ...checkHttp(parseObject(type, text, true)) });
  if (type === 'timer') return JSON.stringify(checkTimer(parseObject(type, text, false)));
  parseObject(type, text, type === 'tablestore');
  return typeof text === 'string' && text !== '' ? text : '{}';
}

export function parseHttpConfig(text: string): HttpTriggerConfig {
  return checkHttp(JSON.parse(text) as Record<string, unknown>);
}

export function parseTimerConfig(text: string): TimerTriggerConfig {
  return checkTimer(JSON.parse(text) as Record<string, unknown>);
}
