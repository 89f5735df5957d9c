/**
 * @module functions/code-store
 * The one path by which a deploy's code package (a function's or a layer's) enters openfc: the
 * base64 zip is decoded within its limit, checked against `code.checksum` (CRC-64), stored in the
 * BlobStore and unpacked (zip-slip, bombs, links and sizes are checked while unpacking). A package
 * that fails to unpack is removed again if this call stored it; `discard` removes one a deploy
 * refused afterwards (credentials in code).
 */
import { createHash } from 'node:crypto';
import type { ResolvedConfig } from '../config/index.js';
import { invalidArgument } from '../errors/index.js';
import type { BlobStore } from '../store/types.js';
import type { CodeCache } from './code-cache.js';
import { decodeZipFileBase64 } from './code-package.js';
import { crc64ecma } from './crc64.js';

/** A code package stored for a deploy. */
export interface StoredCode {
  readonly identity: { readonly codeBlobKey: string; readonly codeChecksum: string; readonly codeSize: number };
  /** Where the package is unpacked. */
  readonly dir: string;
  /** This call stored the blob (it was not there already), so a refusal may remove it. */
  readonly isNew: boolean;
}

export interface CodeStore {
  /** `what` names the package in the error for a missing `code` ("the function", "the layer"). */
  store(code: unknown, what: string): Promise<StoredCode>;
  /** Removes a package this request stored, when the deploy is refused after storing it. */
  discard(code: StoredCode | undefined): Promise<void>;
}

export function createCodeStore(deps: { blobs: BlobStore; codeCache: CodeCache; config: Pick<ResolvedConfig, 'maxCodeZipBase64Bytes'> }): CodeStore {
  const { blobs, codeCache, config } = deps;
  return {
    async store(code, what) {
      if (typeof code !== 'object' || code === null || Array.isArray(code)) throw invalidArgument(`code is required: send ${what}'s package as code.zipFile (base64 of a zip)`);
      const c = code as Record<string, unknown>;
      if (c.zipFile === undefined && (c.ossBucketName !== undefined || c.ossObjectName !== undefined)) {
        throw invalidArgument('code from OSS (ossBucketName/ossObjectName) is not available in openfc; send the package as code.zipFile');
      }
      const zip = decodeZipFileBase64(c.zipFile, { maxBase64Bytes: config.maxCodeZipBase64Bytes });
      const codeChecksum = crc64ecma(zip);
      if (c.checksum !== undefined && String(c.checksum) !== codeChecksum) {
        throw invalidArgument(`code.checksum ${String(c.checksum)} does not match the CRC-64 of the package (${codeChecksum})`);
      }
      const existed = await blobs.has(createHash('sha256').update(zip).digest('hex'));
      const { key } = await blobs.put(zip);
      try {
        return { identity: { codeBlobKey: key, codeChecksum, codeSize: zip.length }, dir: await codeCache.ensureUnpacked(key), isNew: !existed };
      } catch (e: unknown) {
        if (!existed) await blobs.delete(key).catch(() => undefined);
        throw e;
      }
    },
    async discard(code) {
      if (!code?.isNew) return;
      await codeCache.remove(code.identity.codeBlobKey).catch(() => undefined);
      await blobs.delete(code.identity.codeBlobKey).catch(() => undefined);
    },
  };
}
