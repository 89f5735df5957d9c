/**
 * @module exec/audit-log
 * An append-only JSON-lines file of security-relevant events (every InstanceExec: opened,
 * refused, ended). Each record is flushed to disk before the call returns, so a session that ran
 * is on record even if openfc dies during it.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Clock } from '../time/clock.js';

export interface AuditLog {
  write(event: string, fields: Record<string, unknown>): void;
  close(): void;
}

export function createAuditLog(file: string, clock: Clock): AuditLog {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const fd = fs.openSync(file, 'a', 0o600);
  let isClosed = false;
  return {
    write(event, fields) {
      if (isClosed) return;
      fs.writeSync(fd, JSON.stringify({ time: new Date(clock.now()).toISOString(), event, ...fields }) + '\n');
      fs.fdatasyncSync(fd);
    },
    close() {
      if (isClosed) return;
      isClosed = true;
      fs.closeSync(fd);
    },
  };
}
