/** @module cli/zip-dir — zips a directory into a code package (recursive, file modes and symlinks kept, VCS and cache dirs skipped). */
import fs from 'node:fs';
import path from 'node:path';
import yazl from 'yazl';

/** Directory paths (relative, `/`-separated) never packaged: they are not code. */
export const SKIPPED_DIRS: readonly string[] = ['.git', 'node_modules/.cache'];

export interface ZippedDir {
  /** The zip file. */
  readonly zip: Buffer;
  /** Regular files and symlinks packaged. */
  readonly fileCount: number;
  /** Total size of the packaged files before compression. */
  readonly uncompressedBytes: number;
}

function isSkipped(rel: string, name: string): boolean {
  // `.git` anywhere (submodules, vendored repos); the other entries only at their exact path.
  return name === '.git' || SKIPPED_DIRS.includes(rel);
}

/**
 * Zips every file under `dir` with its path relative to `dir`. Modes (the executable bit) and
 * mtimes are kept; symlinks are stored as symlinks, not followed; empty directories are kept;
 * sockets, FIFOs and devices are left out.
 */
export async function zipDir(dir: string): Promise<ZippedDir> {
  const root = path.resolve(dir);
  let rootStat: fs.Stats;
  try {
    rootStat = fs.statSync(root);
  } catch (e: unknown) {
    throw new Error(`cannot read code directory ${dir}: ${(e as Error).message}`, { cause: e });
  }
  if (!rootStat.isDirectory()) throw new Error(`${dir} is not a directory`);

  const zip = new yazl.ZipFile();
  let fileCount = 0;
  let uncompressedBytes = 0;
  const walk = (abs: string, rel: string): number => {
    let added = 0;
    const entries = fs.readdirSync(abs, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const childAbs = path.join(abs, entry.name);
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      const stat = fs.lstatSync(childAbs);
      if (stat.isDirectory()) {
        if (isSkipped(childRel, entry.name)) continue;
        if (walk(childAbs, childRel) === 0) zip.addEmptyDirectory(childRel, { mode: stat.mode & 0xffff, mtime: stat.mtime });
        added++;
      } else if (stat.isFile()) {
        zip.addFile(childAbs, childRel, { mode: stat.mode & 0xffff, mtime: stat.mtime });
        fileCount++;
        uncompressedBytes += stat.size;
        added++;
      } else if (stat.isSymbolicLink()) {
        zip.addBuffer(Buffer.from(fs.readlinkSync(childAbs)), childRel, { mode: stat.mode & 0xffff, mtime: stat.mtime, compress: false });
        fileCount++;
        added++;
      }
    }
    return added;
  };

  const done = new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.on('error', reject);
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
  try {
    walk(root, '');
  } catch (e: unknown) {
    throw new Error(`cannot read code directory ${dir}: ${(e as Error).message}`, { cause: e });
  }
  zip.end();
  return { zip: await done, fileCount, uncompressedBytes };
}
