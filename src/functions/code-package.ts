/**
 * @module functions/code-package
 * Code packages: decoding `code.zipFile`, unpacking a zip safely, and building one. Nothing is
 * ever written outside the destination: zip-slip names, absolute paths, backslashes, NULs, escaping
 * symlinks and writes through symlinks are refused. Zip bombs stop at the unpacked limit: declared
 * sizes are summed against it, no entry may inflate past its declared size, and the bytes actually
 * inflated are counted too. Unpacking goes to a temporary sibling directory that is renamed into
 * place, read-only, only when everything succeeded.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import yauzl from 'yauzl';
import yazl from 'yazl';
import { PlatformError, invalidArgument } from '../errors/index.js';

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
/** "Version made by" host systems whose external attributes carry a unix mode: unix, OS X. */
const UNIX_HOSTS = new Set([3, 19]);
/** Longest symlink target accepted (PATH_MAX). */
const MAX_SYMLINK_TARGET_BYTES = 4096;
/** Entries up to this size are inflated in memory in one call; larger ones are streamed. */
const SMALL_ENTRY_BYTES = 1024 * 1024;
const STORE = 0;
const DEFLATE = 8;
/** Characters that may appear in base64 text; anything else makes it invalid. */
const NOT_BASE64 = /[^A-Za-z0-9+/=\s]/;
const WHITESPACE = /\s/;
const ALL_WHITESPACE = /\s+/g;

export interface UnpackLimits {
  /** Most bytes the package may inflate to, counted while inflating. */
  readonly maxUnpackedBytes: number;
  /** Most entries (files, directories and symlinks) the archive may hold. */
  readonly maxEntries: number;
}

export interface UnpackResult {
  readonly entries: number;
  readonly unpackedBytes: number;
}

/** Validates `code.zipFile` (a non-empty, strictly base64 string within the limit) and decodes it. */
export function decodeZipFileBase64(zipFile: unknown, limits: { maxBase64Bytes: number }): Buffer {
  if (typeof zipFile !== 'string' || zipFile.length === 0) throw invalidArgument('code.zipFile must be a non-empty base64 string of a zip archive');
  if (zipFile.length > limits.maxBase64Bytes) {
    throw new PlatformError('EntityTooLarge', `code package size exceeds maximum allowed size (${limits.maxBase64Bytes} bytes)`, {
      fields: { size: zipFile.length, limit: limits.maxBase64Bytes },
    });
  }
  if (!isStrictBase64(zipFile)) throw invalidArgument('code.zipFile is not valid base64');
  return Buffer.from(zipFile, 'base64');
}

/** Alphabet `A-Za-z0-9+/`, whitespace anywhere, `=` only as up to two trailing pad characters. */
function isStrictBase64(text: string): boolean {
  if (NOT_BASE64.test(text)) return false;
  const compact = WHITESPACE.test(text) ? text.replace(ALL_WHITESPACE, '') : text;
  const firstPad = compact.indexOf('=');
  const dataLength = firstPad === -1 ? compact.length : firstPad;
  if (dataLength === 0) return false;
  if (firstPad === -1) return compact.length % 4 !== 1;
  const padding = compact.length - firstPad;
  return padding <= 2 && compact.slice(firstPad) === '='.repeat(padding) && compact.length % 4 === 0;
}

function unpackedTooLarge(limit: number): PlatformError {
  return new PlatformError('EntityTooLarge', `code package unpacks to more than the maximum unpacked size of ${limit} bytes`, { fields: { limit } });
}

function notAZip(e: unknown): PlatformError {
  return new PlatformError('InvalidArgument', `code.zipFile is not a valid zip archive: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
}

/** An error from the file system (has a syscall), as opposed to one about the archive's bytes. */
function isSystemError(e: unknown): e is NodeJS.ErrnoException {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).syscall === 'string';
}

/** Splits an entry name into safe path components, or refuses it. */
function safeComponents(name: string): string[] {
  const refuse = (why: string) => invalidArgument(`code package entry '${name.replace(/\0/g, '\\0')}' ${why}`);
  if (name.includes('\0')) throw refuse('has a NUL character in its name');
  if (name.includes('\\')) throw refuse('has a backslash in its name');
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) throw refuse('has an absolute path');
  const yauzlObjection = yauzl.validateFileName(name);
  if (yauzlObjection !== null) throw refuse(`has an unsafe path (${yauzlObjection})`);
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw refuse('points outside the package');
  if (parts.length === 0) throw refuse('has an empty path');
  return parts;
}

/**
 * Checks a symlink target and returns it normalised. Accepted: a relative target made of leading
 * `..` steps that stay inside the package, then plain names. A `..` after a name is refused,
 * because that name may itself be a symlink, which would make the lexical check meaningless.
 */
function safeSymlinkTarget(entryName: string, linkDepth: number, target: string): string {
  const refuse = (why: string) => invalidArgument(`code package symlink '${entryName}' -> '${target.replace(/\0/g, '\\0')}' ${why}`);
  if (target === '' || target.includes('\0') || target.includes('\\')) throw refuse('has an empty or malformed target');
  if (path.posix.isAbsolute(target)) throw refuse('points outside the package (absolute target)');
  const parts = target.split('/').filter((p) => p !== '' && p !== '.');
  const ups = parts.findIndex((p) => p !== '..');
  const upCount = ups === -1 ? parts.length : ups;
  if (upCount > linkDepth) throw refuse('points outside the package');
  if (parts.slice(upCount).includes('..')) throw refuse("has '..' after a name, which openfc does not allow in symlinks");
  return parts.length === 0 ? '.' : parts.join('/');
}

function corrupt(name: string, why: string, cause?: unknown): PlatformError {
  return new PlatformError('InvalidArgument', `code package entry '${name}' is corrupt: ${why}`, { cause });
}

/** Counts inflated bytes against the package-wide budget and checks the entry's CRC-32. */
class EntryMeter extends Transform {
  private crc = 0;
  constructor(private readonly budget: { used: number; limit: number }, private readonly entry: yauzl.Entry, private readonly name: string) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.budget.used += chunk.length;
    if (this.budget.used > this.budget.limit) return cb(unpackedTooLarge(this.budget.limit));
    this.crc = zlib.crc32(chunk, this.crc);
    cb(null, chunk);
  }
  override _flush(cb: TransformCallback): void {
    cb(this.crc >>> 0 === this.entry.crc32 >>> 0 ? null : corrupt(this.name, 'CRC-32 mismatch'));
  }
}

/** Collects a stream of at most `limit` bytes; listeners attach synchronously, so no error is missed. */
function readLimited(stream: Readable, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let n = 0;
    stream.on('data', (chunk: Buffer) => {
      n += chunk.length;
      if (n <= limit) return void chunks.push(chunk);
      stream.destroy();
      reject(new Error(`more than the ${limit} bytes expected`));
    });
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

/**
 * Opens an entry's data and hands it to `consume` inside yauzl's callback, before any data flows:
 * yauzl's streams start inflating at once and would otherwise emit errors nobody listens to.
 */
function consumeEntry<T>(zf: yauzl.ZipFile, entry: yauzl.Entry, name: string, options: yauzl.ZipFileOptions, consume: (stream: Readable) => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    zf.openReadStream(entry, options, (err, stream) => {
      if (err || !stream) return reject(corrupt(name, err?.message ?? 'no data', err));
      consume(stream).then(resolve, (e: unknown) => reject(e instanceof PlatformError || isSystemError(e) ? e : corrupt(name, (e as Error).message, e)));
    });
  });
}

/**
 * Reads a small entry whole: its compressed bytes, inflated in one call that may not produce more
 * than the declared size. Fewer round trips than streaming, which matters for many small files.
 */
async function readSmallEntry(x: Extraction, entry: yauzl.Entry, name: string): Promise<Buffer> {
  const packed = await consumeEntry(x.zf, entry, name, { decodeFileData: false }, (stream) => readLimited(stream, entry.compressedSize));
  let data = packed;
  if (entry.compressionMethod === DEFLATE) {
    try {
      data = zlib.inflateRawSync(packed, { maxOutputLength: Math.max(1, entry.uncompressedSize) });
    } catch (e: unknown) {
      throw corrupt(name, (e as Error).message, e);
    }
  }
  if (data.length !== entry.uncompressedSize) throw corrupt(name, `${data.length} bytes where the header says ${entry.uncompressedSize}`);
  x.budget.used += data.length;
  if (x.budget.used > x.budget.limit) throw unpackedTooLarge(x.budget.limit);
  if (zlib.crc32(data) >>> 0 !== entry.crc32 >>> 0) throw corrupt(name, 'CRC-32 mismatch');
  return data;
}

/** Streams a large entry to `abs`, counting inflated bytes as they come. */
async function writeLargeEntry(x: Extraction, entry: yauzl.Entry, name: string, abs: string): Promise<void> {
  const fh = await fs.promises.open(abs, 'wx', 0o600);
  try {
    await consumeEntry(x.zf, entry, name, {}, (stream) => pipeline(stream, new EntryMeter(x.budget, entry, name), fh.createWriteStream()));
  } finally {
    await fh.close().catch(() => undefined);
  }
}

type Kind = 'file' | 'dir' | 'symlink';

interface Extraction {
  readonly zf: yauzl.ZipFile;
  readonly root: string;
  readonly limits: UnpackLimits;
  /** What each relative path (`a/b`) already is, so conflicts are found without asking the disk. */
  readonly kinds: Map<string, Kind>;
  readonly budget: { used: number; limit: number };
  declaredBytes: number;
}

async function ensureDirs(x: Extraction, parts: readonly string[], name: string): Promise<void> {
  for (let i = 1; i <= parts.length; i++) {
    const rel = parts.slice(0, i).join('/');
    const kind = x.kinds.get(rel);
    if (kind === 'dir') continue;
    if (kind === 'symlink') throw invalidArgument(`code package entry '${name}' would be written through the symlink '${rel}'`);
    if (kind === 'file') throw invalidArgument(`code package entry '${name}' conflicts with the file '${rel}'`);
    await fs.promises.mkdir(path.join(x.root, ...parts.slice(0, i)), { mode: 0o755 });
    x.kinds.set(rel, 'dir');
  }
}

async function extractEntry(x: Extraction, entry: yauzl.Entry): Promise<void> {
  const name = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, true);
  const parts = safeComponents(name);
  const rel = parts.join('/');
  const abs = path.join(x.root, ...parts);
  const relToRoot = path.relative(x.root, abs);
  if (relToRoot === '' || relToRoot.startsWith('..') || path.isAbsolute(relToRoot)) throw invalidArgument(`code package entry '${name}' points outside the package`);

  const isUnix = UNIX_HOSTS.has(entry.versionMadeBy >>> 8);
  const mode = isUnix ? (entry.externalFileAttributes >>> 16) & 0xffff : 0;
  const type = mode & S_IFMT;
  const kind: Kind = name.endsWith('/') || type === S_IFDIR ? 'dir' : type === S_IFLNK ? 'symlink' : 'file';
  if (kind === 'file' && type !== 0 && type !== S_IFREG) throw invalidArgument(`code package entry '${name}' is a special file (mode ${mode.toString(8)})`);

  await ensureDirs(x, parts.slice(0, -1), name);
  const existing = x.kinds.get(rel);
  if (existing !== undefined) {
    if (existing === 'dir' && kind === 'dir') return;
    throw invalidArgument(`code package has more than one entry for '${rel}'`);
  }
  if (kind === 'dir') {
    await fs.promises.mkdir(abs, { mode: 0o755 });
    x.kinds.set(rel, 'dir');
    return;
  }

  if (entry.isEncrypted()) throw invalidArgument(`code package entry '${name}' is encrypted`);
  if (entry.compressionMethod !== STORE && entry.compressionMethod !== DEFLATE) {
    throw invalidArgument(`code package entry '${name}' uses compression method ${entry.compressionMethod}; only store and deflate are supported`);
  }
  x.declaredBytes += entry.uncompressedSize;
  if (x.declaredBytes > x.limits.maxUnpackedBytes) throw unpackedTooLarge(x.limits.maxUnpackedBytes);

  if (kind === 'symlink') {
    if (entry.uncompressedSize > MAX_SYMLINK_TARGET_BYTES) throw invalidArgument(`code package symlink '${name}' has an overlong target`);
    const target = (await readSmallEntry(x, entry, name)).toString('utf8');
    await fs.promises.symlink(safeSymlinkTarget(name, parts.length - 1, target), abs);
    x.kinds.set(rel, 'symlink');
    return;
  }

  x.kinds.set(rel, 'file');
  if (entry.uncompressedSize <= SMALL_ENTRY_BYTES) {
    await fs.promises.writeFile(abs, await readSmallEntry(x, entry, name), { flag: 'wx', mode: 0o600 });
  } else {
    await writeLargeEntry(x, entry, name, abs);
  }
  // Code is immutable: read-only for everyone, executable only if the archive said so. (`abs` is
  // our own regular file under directories we made, so the path cannot lead anywhere else.)
  await fs.promises.chmod(abs, isUnix && mode & 0o111 ? 0o555 : 0o444);
}

/** Makes the unpacked directories immutable (0555); files were made read-only as they were written. */
async function sealDirectories(x: Extraction): Promise<void> {
  for (const [rel, kind] of x.kinds) if (kind === 'dir') await fs.promises.chmod(path.join(x.root, rel), 0o555);
  await fs.promises.chmod(x.root, 0o555);
}

/** Removes a (possibly read-only) unpacked tree; symlinks are removed, never followed. */
export async function removeTree(dir: string): Promise<void> {
  const makeWritable = async (d: string): Promise<void> => {
    await fs.promises.chmod(d, 0o700);
    for (const e of await fs.promises.readdir(d, { withFileTypes: true })) if (e.isDirectory()) await makeWritable(path.join(d, e.name));
  };
  try {
    if (!(await fs.promises.lstat(dir)).isDirectory()) return await fs.promises.rm(dir, { force: true });
    await makeWritable(dir);
  } catch (e: unknown) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  await fs.promises.rm(dir, { recursive: true, force: true });
}

/**
 * Unpacks `zip` into `destDir`, which must not exist yet, and makes the tree read-only. On any
 * failure nothing is left behind: neither `destDir` nor the temporary sibling it is built in. If
 * another process renames its own copy into `destDir` first, that copy is kept and ours dropped.
 * @throws PlatformError `InvalidArgument` for a malformed or unsafe archive, `EntityTooLarge` when
 *   it has too many entries or unpacks to more than `maxUnpackedBytes`.
 */
export async function extractCodePackage(zip: Buffer, destDir: string, limits: UnpackLimits): Promise<UnpackResult> {
  if (fs.existsSync(destDir)) throw new Error(`cannot unpack a code package into ${destDir}: it already exists`);
  let zf: yauzl.ZipFile;
  try {
    zf = await yauzl.fromBufferPromise(zip, { lazyEntries: true, validateEntrySizes: true, decodeStrings: false, strictFileNames: true });
  } catch (e: unknown) {
    throw notAZip(e);
  }
  if (zf.entryCount > limits.maxEntries) {
    zf.close();
    throw new PlatformError('EntityTooLarge', `code package has ${zf.entryCount} entries, more than the maximum of ${limits.maxEntries}`);
  }
  const tmp = `${destDir}.tmp-${randomBytes(6).toString('hex')}`;
  await fs.promises.mkdir(path.dirname(tmp), { recursive: true });
  await fs.promises.mkdir(tmp, { mode: 0o700 });
  const x: Extraction = { zf, root: tmp, limits, kinds: new Map(), budget: { used: 0, limit: limits.maxUnpackedBytes }, declaredBytes: 0 };
  let entries = 0;
  try {
    const iterator = zf.eachEntry();
    for (;;) {
      let next: IteratorResult<yauzl.Entry>;
      try {
        next = await iterator.next();
      } catch (e: unknown) {
        throw notAZip(e);
      }
      if (next.done) break;
      if (++entries > limits.maxEntries) throw new PlatformError('EntityTooLarge', `code package has more than the maximum of ${limits.maxEntries} entries`);
      await extractEntry(x, next.value);
    }
    await sealDirectories(x);
    try {
      await fs.promises.rename(tmp, destDir);
    } catch (e: unknown) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw e;
      await removeTree(tmp);
    }
    return { entries, unpackedBytes: x.budget.used };
  } catch (e: unknown) {
    await removeTree(tmp).catch(() => undefined); // the original error matters more
    if (isSystemError(e) && ['EEXIST', 'ENOTDIR', 'EISDIR', 'ENAMETOOLONG', 'ELOOP'].includes(e.code ?? '')) {
      throw new PlatformError('InvalidArgument', `code package cannot be unpacked: ${e.code} for an entry (conflicting or overlong names)`, { cause: e });
    }
    throw e;
  } finally {
    zf.close();
  }
}

export type ZipInput = string | Buffer | { data: string | Buffer; mode?: number };

/** A fixed timestamp, so the same files always make the same zip (and the same blob key). */
const FIXED_MTIME = new Date(Date.UTC(2000, 0, 1));

/**
 * Builds a zip from paths to contents. `mode` is the unix mode, permission bits (`0o755`) or with
 * type bits (`0o120777` makes a symlink whose data is the target); names ending in `/` are
 * directories.
 */
export function createZip(files: Record<string, ZipInput>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, value] of Object.entries(files)) {
    const entry = typeof value === 'string' || Buffer.isBuffer(value) ? { data: value } : value;
    const mode = entry.mode ?? (name.endsWith('/') ? 0o755 : 0o644);
    if (name.endsWith('/')) zip.addEmptyDirectory(name, { mode: (mode & 0o7777) | S_IFDIR, mtime: FIXED_MTIME });
    else zip.addBuffer(Buffer.from(entry.data), name, { mode: mode & S_IFMT ? mode : mode | S_IFREG, mtime: FIXED_MTIME });
  }
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
}
