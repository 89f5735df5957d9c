/** Waits (on fs.watch events, not a timer loop) until a file's content matches a pattern. */
import fs from 'node:fs';
import path from 'node:path';

export function waitForFileMatch(file: string, pattern: RegExp, boundMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const read = () => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '');
    const check = () => {
      const text = read();
      if (!pattern.test(text)) return false;
      watcher.close();
      clearTimeout(bound);
      resolve(text);
      return true;
    };
    const watcher = fs.watch(path.dirname(file), check);
    const bound = setTimeout(() => {
      watcher.close();
      reject(new Error(`${file} did not match ${pattern} within ${boundMs} ms; it holds:\n${read()}`));
    }, boundMs);
    check();
  });
}
