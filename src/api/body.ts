/**
 * @module api/body
 * Reads a request body with a size limit enforced while streaming (the FC SDK sends chunked
 * bodies without Content-Length). Large bodies are hashed for the signature check while streaming
 * (so a 32 MB body never blocks the loop at once); small ones are hashed with the signature.
 */
import { createHash, type Hash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { PlatformError } from '../errors/index.js';

export interface ReadBody {
  readonly bytes: Buffer;
  /** Set for large bodies, hashed while streaming; small ones are hashed with the signature check. */
  readonly sha256: string | undefined;
}

const STREAM_HASH_FROM_BYTES = 64 * 1024;

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
    const chunks: Buffer[] = [];
    let size = 0;
    let isDone = false;
    let streaming: Hash | undefined;
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
      chunks.push(chunk);
      if (streaming) streaming.update(chunk);
      else if (size > STREAM_HASH_FROM_BYTES) {
        streaming = createHash('sha256');
        for (const c of chunks) streaming.update(c);
      }
    });
    req.on('end', () => {
      if (isDone) return;
      isDone = true;
      const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
      resolve({ bytes, sha256: streaming?.digest('hex') });
    });
    req.on('error', (e) => {
      if (isDone) return;
      isDone = true;
      reject(e);
    });
  });
}
