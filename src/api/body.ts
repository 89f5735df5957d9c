/**
 * @module api/body
 * Reads a request body with a size limit enforced while streaming (the FC SDK sends chunked
 * bodies without Content-Length), hashing it on the way for the signature check.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { PlatformError } from '../errors/index.js';

export interface ReadBody {
  readonly bytes: Buffer;
  readonly sha256: string;
}

export function tooLarge(limit: number): PlatformError {
  return new PlatformError('EntityTooLarge', `payload size exceeds maximum allowed size (${limit} bytes)`, { fields: { limit } });
}

export function readBody(req: IncomingMessage, limitBytes: number): Promise<ReadBody> {
  const declared = Number(req.headers['content-length']);
  if (declared > limitBytes) {
    req.resume();
    return Promise.reject(tooLarge(limitBytes));
  }
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    const chunks: Buffer[] = [];
    let size = 0;
    let isDone = false;
    req.on('data', (chunk: Buffer) => {
      if (isDone) return;
      size += chunk.length;
      if (size > limitBytes) {
        isDone = true;
        chunks.length = 0;
        req.resume();
        reject(tooLarge(limitBytes));
        return;
      }
      hash.update(chunk);
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (isDone) return;
      isDone = true;
      resolve({ bytes: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size), sha256: hash.digest('hex') });
    });
    req.on('error', (e) => {
      if (isDone) return;
      isDone = true;
      reject(e);
    });
  });
}
