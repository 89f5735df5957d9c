/**
 * @module sandbox/link-tree
 * Puts a read-only code tree into a sandbox's code slot by hard-linking its files (directories are
 * recreated, symlinks copied). Costs a link per file, no data copy; the slot is bind-mounted
 * read-only at /code inside the sandbox, so the function sees its code appear at specialisation.
 * Layers are merged the same way into the /opt slot.
 */
import fs from 'node:fs';
import path from 'node:path';

export function linkTree(source: string, target: string): void {
  linkInto(source, target, false);
}

/**
 * Merges several trees into `target` (layers into /opt): directories merge, and where two trees
 * have the same path the one listed first wins, as FC's layers do.
 */
export function mergeTrees(sources: readonly string[], target: string): void {
  for (const source of sources) linkInto(source, target, true);
  sealDirs(target);
}

function linkInto(source: string, target: string, isMerge: boolean): void {
  for (const entry of fs.readdirSync(source, { withFileTypes: true })) {
    const from = path.join(source, entry.name);
    const to = path.join(target, entry.name);
    const existing = isMerge ? fs.lstatSync(to, { throwIfNoEntry: false }) : undefined;
    if (entry.isDirectory()) {
      if (existing && !existing.isDirectory()) continue;
      if (!existing) fs.mkdirSync(to, { mode: 0o755 });
      linkInto(from, to, isMerge);
      if (!isMerge) fs.chmodSync(to, 0o555);
    } else if (existing) continue;
    else if (entry.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(from), to);
    else linkOrCopy(from, to);
  }
}

/** A hard link, or a copy where the two paths are on different filesystems. */
function linkOrCopy(from: string, to: string): void {
  try {
    fs.linkSync(from, to);
  } catch (e: unknown) {
    if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
    fs.copyFileSync(from, to);
  }
}

/** Removes a tree whose directories {@link mergeTrees} sealed (read-only), also when not running as root. */
export function removeSealedTree(dir: string): void {
  const unseal = (d: string): void => {
    try {
      fs.chmodSync(d, 0o755);
      for (const entry of fs.readdirSync(d, { withFileTypes: true })) if (entry.isDirectory()) unseal(path.join(d, entry.name));
    } catch {
      /* gone already, or not ours: rmSync reports what matters */
    }
  };
  unseal(dir);
  fs.rmSync(dir, { recursive: true, force: true });
}

function sealDirs(dir: string): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) if (entry.isDirectory()) sealDirs(path.join(dir, entry.name));
  fs.chmodSync(dir, 0o555);
}
