/**
 * @module functions/custom-runtime-config
 * `customRuntimeConfig` of a custom-runtime function (reference appendix B, §10.5): how its HTTP
 * server is started (`command` + `args`, default `/code/bootstrap`) and on which port it listens
 * (default 9000, FC's CAPort). Validated on create/update; resolved with defaults for an instance.
 */
import { invalidArgument } from '../errors/index.js';

/** FC's CAPort: where a custom runtime's server listens unless customRuntimeConfig.port says otherwise. */
export const DEFAULT_CUSTOM_RUNTIME_PORT = 9000;
const MAX_ARGV_ENTRIES = 64;
const MAX_ARGV_ENTRY_LENGTH = 4096;

/** How an instance starts a custom runtime's server; `command` empty means `<code>/bootstrap`. */
export interface ResolvedCustomRuntime {
  readonly command: readonly string[];
  readonly args: readonly string[];
  readonly port: number;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function stringList(field: string, v: unknown): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.length > MAX_ARGV_ENTRIES || v.some((a) => typeof a !== 'string' || a.length > MAX_ARGV_ENTRY_LENGTH || a.includes('\0'))) {
    throw invalidArgument(`customRuntimeConfig.${field} must be an array of at most ${MAX_ARGV_ENTRIES} strings`);
  }
  return v as string[];
}

/**
 * Checks a CreateFunction/UpdateFunction `customRuntimeConfig`.
 * @throws PlatformError `InvalidArgument` naming the field that is wrong.
 */
export function validateCustomRuntimeConfig(v: unknown): void {
  if (v === undefined || v === null) return;
  if (!isObject(v)) throw invalidArgument('customRuntimeConfig must be an object {command, args, port}');
  const command = stringList('command', v.command);
  stringList('args', v.args);
  if (command.length > 0 && !command[0]) throw invalidArgument('customRuntimeConfig.command[0] must name the program to start');
  if (v.port !== undefined && v.port !== null && (typeof v.port !== 'number' || !Number.isInteger(v.port) || v.port < 1 || v.port > 65535)) {
    throw invalidArgument(`customRuntimeConfig.port must be an integer from 1 to 65535, got ${JSON.stringify(v.port)}`);
  }
}

/** The stored customRuntimeConfig with FC's defaults filled in. */
export function resolveCustomRuntime(v: unknown): ResolvedCustomRuntime {
  const c = isObject(v) ? v : {};
  return {
    command: Array.isArray(c.command) ? (c.command as string[]) : [],
    args: Array.isArray(c.args) ? (c.args as string[]) : [],
    port: typeof c.port === 'number' ? c.port : DEFAULT_CUSTOM_RUNTIME_PORT,
  };
}
