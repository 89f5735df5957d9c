/**
 * @module store/trigger-types
 * The trigger part of the MetadataStore: the triggers of functions (HTTP, timer, and stored-only
 * kinds), removed with their function, and each timer trigger's watermark (the newest schedule
 * point it handled) so a point is never fired twice across restarts.
 */

/** A trigger as stored. `triggerConfig` is the validated JSON text the user sent (FC keeps it a string). */
export interface TriggerRecord {
  readonly accountId: string;
  readonly functionName: string;
  readonly triggerName: string;
  /** A UUID; names the HTTP trigger's URL and the timer's async task ids. */
  readonly triggerId: string;
  readonly triggerType: string;
  readonly triggerConfig: string;
  /** `LATEST`, a version id or an alias name. */
  readonly qualifier: string;
  /** A RAM role ARN, or '' when none. */
  readonly invocationRole: string;
  readonly sourceArn: string;
  readonly description: string;
  readonly createdTime: string;
  readonly lastModifiedTime: string;
  /** Timer triggers: epoch ms of the newest schedule point handled (fired or skipped). */
  readonly lastPointMs?: number;
}

export interface TriggerStore {
  /** Throws `TriggerAlreadyExists` when the function has a trigger of that name, `FunctionNotFound` when the function is gone. */
  createTrigger(record: TriggerRecord): void;
  getTrigger(accountId: string, functionName: string, triggerName: string): TriggerRecord | undefined;
  getTriggerById(triggerId: string): TriggerRecord | undefined;
  /** Replaces the mutable fields (config, qualifier, role, description, lastModifiedTime); false when there is none. */
  updateTrigger(record: TriggerRecord): boolean;
  deleteTrigger(accountId: string, functionName: string, triggerName: string): boolean;
  /** One function's triggers in name order, after `nextToken` (exclusive), whose names start with `prefix`. */
  listTriggers(accountId: string, functionName: string, options: { prefix?: string; limit: number; nextToken?: string }): { items: TriggerRecord[]; nextToken?: string };
  /** Every trigger of a type, across accounts (the timer scheduler loads these at start). */
  listTriggersByType(triggerType: string): TriggerRecord[];
  /** Records the newest timer point handled; never moves it backwards. */
  setTriggerLastPoint(triggerId: string, pointMs: number): void;
}
