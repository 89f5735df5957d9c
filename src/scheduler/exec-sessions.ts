/**
 * @module scheduler/exec-sessions
 * An instance held open for InstanceExec: while a session is open the instance is thawed and is
 * neither frozen nor released for being idle; the last session to end makes it idle again.
 */
import { RUNTIME_BASE_ENV } from '../sandbox/exec-process.js';
import type { Sandbox } from '../sandbox/types.js';
import type { Instance } from './instance.js';

/** An instance held open for InstanceExec. */
export interface ExecSession {
  readonly sandbox: Sandbox;
  /** What the function's environment holds, for the exec'd command. */
  readonly env: Readonly<Record<string, string>>;
  end(): void;
}

/** Opens a session on a running instance (its sandbox is set): thaws it, and marks it idle again on the last end(). */
export async function openExecSession(inst: Instance & { sandbox: Sandbox }, deps: { thaw: (inst: Instance) => Promise<void>; markIdle: (inst: Instance) => void }): Promise<ExecSession> {
  inst.execSessions++;
  let isEnded = false;
  const end = () => {
    if (isEnded) return;
    isEnded = true;
    inst.execSessions--;
    if (inst.execSessions === 0 && inst.inFlight === 0 && inst.state === 'ready') deps.markIdle(inst);
  };
  try {
    await deps.thaw(inst);
  } catch (e: unknown) {
    end();
    throw e;
  }
  return { sandbox: inst.sandbox, env: { ...RUNTIME_BASE_ENV, ...inst.env }, end };
}
