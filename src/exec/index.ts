/** @module exec — InstanceExec: running a command inside a live instance over a WebSocket, and the audit log. */
export { createAuditLog, type AuditLog } from './audit-log.js';
export { bridgeExec, EXEC_CHANNEL, type BridgeOptions, type ExecEnd, type ExecEndReason } from './exec-bridge.js';
export { DEFAULT_EXEC_COMMAND, DEFAULT_IDLE_TIMEOUT_SEC, MAX_IDLE_TIMEOUT_SEC, parseExecOptions, type ExecOptions } from './exec-options.js';
