/**
 * @module sandbox/link-tree
 * Puts a read-only code tree into a sandbox's code slot by hard-linking its files (directories are
 * recreated, symlinks copied). Costs a link per file, no data copy; the slot is bind-mounted
 * read-only at /code inside the sandbox, so the function sees its code appear at specialisation.
 */
import fs from 'node:fs';
import path from 'node:path';

export function linkTree(source: string, target: string): void {
  for (const entry of fs.readdirSync(source, { withFileTypes: true })) {
    const from = path.join(source, entry.name);
    const to = path.join(target, entry.name);
    if (entry.isDirectory()) {
      fs.mkdirSync(to, { mode: 0o755 });
      linkTree(from, to);
      fs.chmodSync(to, 0o555);
    } else if (entry.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(from), to);
    else fs.linkSync(from, to);
  }
}
