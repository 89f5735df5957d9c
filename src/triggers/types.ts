/**
 * @module triggers/types
 *
 * Glossary:
 * - **trigger**: what starts invocations of a function besides the API. Named per function
 *   (`triggerName`), identified globally by `triggerId` (a UUID), bound to a `qualifier`.
 * - **HTTP trigger**: a URL served by openfc, `<endpoint>/http/<triggerId>/<path>`; each request
 *   is one invocation whose event is FC's HTTP event (reference §10.4).
 * - **internet URL / intranet URL**: the HTTP trigger's URL on the HTTPS listener (the public one,
 *   refused when `disableURLInternet`), and on the loopback plain-HTTP listener.
 * - **timer trigger**: a `cronExpression`; each **schedule point** (an instant it names) is one
 *   async invocation with the timer event, under the async task id `timer-<triggerId>-<pointMs>`.
 * - **watermark**: the newest schedule point of a timer trigger that was handled (fired or
 *   skipped), kept in the store so no point fires twice across restarts.
 * - **stored-only trigger**: a kind whose event source is an Alibaba Cloud service (oss, log, …);
 *   it is kept and listed, and its `status` says that nothing fires it.
 */

import type { CorsConfig } from './cors.js';

/** Trigger types openfc runs. */
export const FIRED_TRIGGER_TYPES = ['http', 'timer'] as const;
/** Trigger types openfc accepts and stores, but whose event sources do not exist here. */
export const STORED_ONLY_TRIGGER_TYPES = ['oss', 'log', 'mns_topic', 'cdn_events', 'tablestore', 'eventbridge'] as const;

export type TriggerType = (typeof FIRED_TRIGGER_TYPES)[number] | (typeof STORED_ONLY_TRIGGER_TYPES)[number];

/** The HTTP trigger settings openfc enforces. */
export interface HttpTriggerConfig {
  /** `function`: only ACS3-signed requests of the function's account (RAM principals need fc:InvokeFunction). */
  readonly authType: 'anonymous' | 'function';
  /** Upper-case methods accepted; others get 405. */
  readonly methods: readonly string[];
  /** Requests on the internet URL (HTTPS listener) get 403. */
  readonly disableURLInternet: boolean;
  /** Applied by openfc: preflights answered, allowed origins get CORS headers. */
  readonly corsConfig?: CorsConfig;
}

export interface TimerTriggerConfig {
  readonly cronExpression: string;
  /** Passed as `payload` in the timer event. */
  readonly payload: string;
  readonly enable: boolean;
}

/** The FC `Trigger` model (reference §6.4) as answered. */
export interface TriggerView {
  triggerId: string;
  triggerName: string;
  triggerType: string;
  triggerConfig: string;
  qualifier: string;
  invocationRole: string;
  sourceArn: string;
  description: string;
  targetArn: string;
  status: string;
  /** openfc: why the status is what it is (stored-only kinds, a disabled timer). */
  stateReason?: string;
  createdTime: string;
  lastModifiedTime: string;
  httpTrigger?: { urlInternet: string; urlIntranet: string };
}

/** The prefix of HTTP trigger URLs on both listeners. */
export const HTTP_TRIGGER_PATH_PREFIX = '/http/';
