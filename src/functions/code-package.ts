/**
 * @module functions/code-package
 * Code packages: decoding `code.zipFile`, and unpacking a zip safely. Nothing is ever written
 * outside the destination: zip-slip names, absolute paths, backslashes, escaping symlinks and
 * writes through symlinks are refused; inflated bytes are counted while streaming, so a zip bomb
 * stops at the unpacked limit whatever its headers claim. Unpacking goes to a temporary sibling
 * directory that is renamed into place only when everything succeeded.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import yazl from 'yazl';
import { PlatformError, invalidArgument } from '../errors/index.js';

const BASE64_PATTERN = /^[A-Za-z0-9+/\s]*={0,2}\s*$/;
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const S_IFDIR = 0o040000;
const MAX_SYMLINK_TARGET_BYTES = 4096;

export interface UnpackLimits {
  readonly maxUnpackedBytes: number;
  readonly maxEntries: number;
}

export function decodeZipFileBase64(zipFile: unknown, limits: { maxBase64Bytes: number }): Buffer {
  if (typeof zipFile !== 'string' || zipFile.length === 0) throw invalidArgument('code.zipFile must be a non-empty base64 string of a zip archive');
  if (zipFile.length > limits.maxBase64Bytes) {
    throw new PlatformError('EntityTooLarge', `code package size exceeds maximum allowed size (${limits.maxBase64Bytes} bytes of base64)`);
  }
  if (!BASE64_PATTERN.test(zipFile)) throw invalidArgument('code.zipFile is not valid base64');
  return Buffer.from(zipFile, 'base64');
}

function unpackedTooLarge(limit: number): PlatformError {
  return new PlatformError('EntityTooLarge', `code package unpacks to more than the limit of ${limit} bytes`);
}

function checkName(name: string): string[] {
  if (name.includes('\0') || name.includes('\\') || name.startsWith('/') || /^[A-Za-z]:/.test(name)) {
    throw invalidArgument(`code package entry '${name}' has an unsafe path`);
  }
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw invalidArgument(`code package entry '${name}' points outside the package`);
  if (parts.length === 0) throw invalidArgument(`code package entry '${name}' has an empty path`);
  return parts;
}

function isInside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function readAll(stream: NodeJS.ReadableStream, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let n = 0;
    stream.on('data', (c: Buffer) => {
      n += c.length;
      if (n > limit) reject(invalidArgument('a symlink in the code package has an overlong target'));
      else chunks.push(c);
    });
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

/** Counts bytes flowing through and fails once the shared budget is exceeded. */
class ByteBudget extends Transform {
  constructor(private readonly state: { used: number; limit: number }) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.state.used += chunk.length;
    if (this.state.used > this.state.limit) cb(unpackedTooLarge(this.state.limit));
    else cb(null, chunk);
  }
}

function openZip(zip: Buffer): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true, validateEntrySizes: true, strictFileNames: true }, (err, zf) => {
      if (err || !zf) reject(invalidArgument(`code.zipFile is not a valid zip archive: ${err?.message ?? 'unreadable'}`));
      else resolve(zf);
    });
  });
}

function openEntry(zf: yauzl.ZipFile, entry: yauzl.Entry): Promise<NodeJS.ReadableStream> {
  return new Promise((resolve, reject) => zf.openReadStream(entry, (err, s) => (err || !s ? reject(invalidArgument(`code package entry '${entry.fileName}' cannot be read: ${err?.message}`)) : resolve(s))));
}

function makeReadOnly(root: string): void {
  for (const entry of fs.readdirSync(root, { withFileTypes: true })) {
    const p = path.join(root, entry.name);
    if (entry.isSymbolicLink()) continue;
    if (entry.isDirectory()) makeReadOnly(p);
    else fs.chmodSync(p, fs.statSync(p).mode & 0o111 ? 0o555 : 0o444);
  }
  fs.chmodSync(root, 0o555);
}

function removeTree(dir: string): void {
  if (!fs.existsSync(dir)) return;
  const makeWritable = (d: string) => {
    fs.chmodSync(d, 0o755);
    for (const e of fs.readdirSync(d, { withFileTypes: true })) if (e.isDirectory()) makeWritable(path.join(d, e.name));
  };
  makeWritable(dir);
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Unpacks `zip` into `destDir` (which must not exist yet), read-only. */
export async function extractCodePackage(zip: Buffer, destDir: string, limits: UnpackLimits): Promise<{ entries: number; unpackedBytes: number }> {
  const tmp = `${destDir}.tmp-${randomBytes(6).toString('hex')}`;
  fs.mkdirSync(tmp, { recursive: true, mode: 0o700 });
  const budget = { used: 0, limit: limits.maxUnpackedBytes };
  const symlinks = new Set<string>();
  let entries = 0;
  let zf: yauzl.ZipFile | undefined;
  try {
    zf = await openZip(zip);
    const zipFile = zf;
    await new Promise<void>((resolve, reject) => {
      const fail = (e: unknown) => {
        zipFile.close();
        reject(e instanceof PlatformError ? e : invalidArgument(`code.zipFile is not a valid zip archive: ${(e as Error).message}`));
      };
      zipFile.on('error', fail);
      zipFile.on('end', resolve);
      zipFile.on('entry', (entry: yauzl.Entry) => {
        (async () => {
          entries++;
          if (entries > limits.maxEntries) throw new PlatformError('EntityTooLarge', `code package has more than ${limits.maxEntries} entries`);
          const parts = checkName(entry.fileName);
          const target = path.join(tmp, ...parts);
          if (!isInside(tmp, target)) throw invalidArgument(`code package entry '${entry.fileName}' points outside the package`);
          for (let i = 1; i < parts.length; i++) {
            if (symlinks.has(path.join(tmp, ...parts.slice(0, i)))) throw invalidArgument(`code package entry '${entry.fileName}' goes through a symlink`);
          }
          const mode = (entry.externalFileAttributes >>> 16) & 0xffff;
          const isUnix = entry.versionMadeBy >> 8 === 3;
          const type = isUnix ? mode & S_IFMT : 0;
          if (entry.fileName.endsWith('/') || type === S_IFDIR) {
            fs.mkdirSync(target, { recursive: true, mode: 0o755 });
            return;
          }
          fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o755 });
          const stream = await openEntry(zipFile, entry);
          if (type === S_IFLNK) {
            const link = (await readAll(stream, MAX_SYMLINK_TARGET_BYTES)).toString('utf8');
            if (!link || path.isAbsolute(link) || link.includes('\0') || !isInside(tmp, path.resolve(path.dirname(target), link))) {
              throw invalidArgument(`code package symlink '${entry.fileName}' -> '${link}' points outside the package`);
            }
            fs.symlinkSync(link, target);
            symlinks.add(target);
            return;
          }
          const fileMode = isUnix && mode & 0o111 ? 0o755 : 0o644;
          let out: fs.WriteStream;
          try {
            out = fs.createWriteStream(target, { flags: 'wx', mode: fileMode });
          } catch (e: unknown) {
            throw invalidArgument(`code package entry '${entry.fileName}' cannot be written: ${(e as Error).message}`);
          }
          await pipeline(stream, new ByteBudget(budget), out).catch((e: unknown) => {
            if (e instanceof PlatformError) throw e;
            const code = (e as NodeJS.ErrnoException).code;
            throw invalidArgument(code === 'EEXIST' ? `code package has a duplicate entry '${entry.fileName}'` : `code package entry '${entry.fileName}' is corrupt: ${(e as Error).message}`);
          });
        })().then(() => zipFile.readEntry(), fail);
      });
      zipFile.readEntry();
    });
    makeReadOnly(tmp);
    try {
      fs.renameSync(tmp, destDir);
    } catch (e: unknown) {
      if (!fs.existsSync(destDir)) throw e;
      removeTree(tmp);
    }
    return { entries, unpackedBytes: budget.used };
  } catch (e: unknown) {
    zf?.close();
    removeTree(tmp);
    throw e;
  }
}

/** Builds a zip from a map of paths to contents (CLI packaging and tests). */
export function createZip(files: Record<string, string | Buffer | { data: string | Buffer; mode?: number }>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, v] of Object.entries(files)) {
    const entry = typeof v === 'string' || Buffer.isBuffer(v) ? { data: v } : v;
    zip.addBuffer(Buffer.from(entry.data), name, { mode: (entry.mode ?? 0o644) | 0o100000 });
  }
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
}

export { removeTree };
