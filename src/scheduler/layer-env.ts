/**
 * @module scheduler/layer-env
 * The search paths that make layers usable (reference §10.1): `nodejs/node_modules` and
 * `nodejs/node<major>/node_modules` on NODE_PATH, `python` on PYTHONPATH, `bin` on PATH and `lib`
 * on LD_LIBRARY_PATH, all under the instance's merged layer directory (`/opt` when isolated).
 * The function's own environment variables are applied after these and may override them.
 */
import { RUNTIME_BASE_ENV } from '../sandbox/index.js';

const trim = (dir: string) => (dir.length > 1 && dir.endsWith('/') ? dir.slice(0, -1) : dir);

export function layerSearchPaths(input: { runtime: string; codeDir: string; optDir: string }): Record<string, string> {
  const opt = trim(input.optDir);
  const code = trim(input.codeDir);
  const major = /^nodejs(\d+)$/.exec(input.runtime)?.[1];
  return {
    NODE_PATH: ['/usr/local/lib/node_modules', ...(major ? [`${opt}/nodejs/node${major}/node_modules`] : []), `${opt}/nodejs/node_modules`].join(':'),
    PYTHONPATH: `${opt}/python`,
    PATH: `${RUNTIME_BASE_ENV.PATH}:${code}:${code}/bin:${opt}/bin`,
    LD_LIBRARY_PATH: `${code}:${code}/lib:/usr/local/lib:${opt}/lib`,
  };
}
