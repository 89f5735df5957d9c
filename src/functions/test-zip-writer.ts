/**
 * @module functions/test-zip-writer
 * A tiny raw zip writer for tests: local headers, central directory and end record, with full
 * control over names, attributes, "made by" and declared sizes, so tests can build the malicious
 * archives (zip-slip, absolute paths, escaping symlinks, bombs, lying headers) real tools refuse.
 */
import zlib from 'node:zlib';

export interface RawZipEntry {
  /** The stored name, written byte for byte (flagged UTF-8). */
  name: string | Buffer;
  data?: Buffer | string;
  /** Unix mode including type bits: 0o100644 file (default), 0o100755 executable, 0o120777 symlink, 0o040755 dir. */
  mode?: number;
  /** Overrides the whole 32-bit external attributes field (otherwise `mode << 16`). */
  externalAttributes?: number;
  /** Overrides "version made by"; default `(3 << 8) | 20`, i.e. made on unix. Use `20` for MS-DOS. */
  versionMadeBy?: number;
  /** Compress with deflate instead of storing. */
  deflate?: boolean;
  /** Overrides the uncompressed size written in both headers (to lie about it). */
  declaredSize?: number;
  /** Overrides the compression method written in both headers (the data is still stored or deflated). */
  method?: number;
  /** Extra general purpose flag bits, e.g. `1` for "encrypted". */
  flags?: number;
}

const UTF8_FLAG = 0x800;

/** Builds a zip archive exactly as described, with no validation at all. */
export function buildRawZip(entries: readonly RawZipEntry[]): Buffer {
  const parts: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const data = Buffer.from(e.data ?? '');
    const packed = e.deflate ? zlib.deflateRawSync(data) : data;
    const name = Buffer.isBuffer(e.name) ? e.name : Buffer.from(e.name, 'utf8');
    const crc = zlib.crc32(data);
    const method = e.method ?? (e.deflate ? 8 : 0);
    const flags = UTF8_FLAG | (e.flags ?? 0);
    const size = e.declaredSize ?? data.length;
    const compressedSize = e.deflate ? packed.length : (e.declaredSize ?? packed.length);

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(0x21, 12); // 1980-01-01 00:00:00 in DOS date and time
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressedSize, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    parts.push(local, name, packed);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(e.versionMadeBy ?? ((3 << 8) | 20), 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(compressedSize, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(e.externalAttributes ?? ((e.mode ?? 0o100644) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += local.length + name.length + packed.length;
  }
  const cd = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, cd, eocd]);
}

/** A regular file entry. */
export const file = (name: string, data: string | Buffer, mode = 0o100644): RawZipEntry => ({ name, data, mode });
/** A symlink entry: its data is the link target. */
export const symlink = (name: string, target: string): RawZipEntry => ({ name, data: target, mode: 0o120777 });
