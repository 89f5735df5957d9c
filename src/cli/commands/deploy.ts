/** @module cli/commands/deploy — `openfc deploy <dir>`: zip a directory and create the function, or update it if it exists. */
import dc from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import cliProgress from 'cli-progress';
import { Option, type Command } from 'commander';
import { addClientOptions, type ClientFlags } from '../client-config.js';
import { $FC, connect, isFcError, type FcConnection } from '../fc-client.js';
import { zipDir } from '../zip-dir.js';
import { addFunctionConfigOptions, functionConfigFromFlags, printFunction, type FunctionConfigFlags } from './function.js';

/** Zips larger than this get an upload progress bar (when stderr is a terminal). */
export const PROGRESS_MIN_ZIP_BYTES = 1024 * 1024;
const PROGRESS_POLL_MS = 100;
const DEFAULT_HANDLER = 'index.handler';

type DeployFlags = FunctionConfigFlags & ClientFlags & { name: string };

const mb = (bytes: number) => (bytes / (1024 * 1024)).toFixed(1);

/**
 * Bytes of an HTTP request still waiting in the socket's write queue. Node exposes no public
 * counter that moves while one large write drains, so this reads the libuv queue size of the
 * TCP handle (under the TLS wrap for HTTPS); undefined when that is not available.
 */
function queuedBytes(request: ClientRequest): number | undefined {
  const handle = (request.socket as unknown as { _handle?: { writeQueueSize?: number; _parent?: { writeQueueSize?: number } } } | null)?._handle;
  const size = handle?._parent?.writeQueueSize ?? handle?.writeQueueSize;
  return typeof size === 'number' ? size : undefined;
}

/**
 * Runs `upload` with a progress bar on stderr that follows the request body as it leaves the
 * socket. The request is picked up from node's `http.client.request.start` diagnostics channel;
 * `estimatedBytes` stands in for its size until the request's content-length is known.
 */
async function withUploadProgress<T>(estimatedBytes: number, upload: () => Promise<T>): Promise<T> {
  const bar = new cliProgress.SingleBar(
    { format: 'uploading [{bar}] {percentage}% | {sentMb}/{totalMb} MB | {phase}', stream: process.stderr, hideCursor: true, barsize: 30 },
    cliProgress.Presets.shades_classic,
  );
  const show = (sent: number, total: number, phase: string) => {
    bar.setTotal(total);
    bar.update(sent, { sentMb: mb(sent), totalMb: mb(total), phase });
  };
  const timers = new Set<NodeJS.Timeout>();
  const onRequest = (message: unknown) => {
    const request = (message as { request: ClientRequest }).request;
    if (request.method !== 'POST' && request.method !== 'PUT') return;
    let hasSeenQueue = false;
    const total = () => Number(request.getHeader('content-length')) || estimatedBytes;
    show(0, total(), 'connecting');
    const timer = setInterval(() => {
      const queued = queuedBytes(request);
      if (queued === undefined) return;
      // Until the body shows up in the socket's queue (connecting, TLS handshake), nothing is sent.
      hasSeenQueue ||= queued > 0;
      if (hasSeenQueue) show(Math.max(0, total() - Math.min(total(), queued)), total(), 'uploading');
    }, PROGRESS_POLL_MS);
    timer.unref();
    timers.add(timer);
    const stop = () => {
      clearInterval(timer);
      timers.delete(timer);
    };
    request.once('finish', () => {
      stop();
      show(total(), total(), 'unpacking on the server');
    });
    request.once('close', stop);
  };
  bar.start(estimatedBytes, 0, { sentMb: mb(0), totalMb: mb(estimatedBytes), phase: 'connecting' });
  dc.subscribe('http.client.request.start', onRequest);
  try {
    return await upload();
  } finally {
    dc.unsubscribe('http.client.request.start', onRequest);
    for (const t of timers) clearInterval(t);
    bar.stop();
  }
}

/** The devsapp/fc3 pattern: GetFunction, then CreateFunction if it is missing, else UpdateFunction. */
async function createOrUpdate(conn: FcConnection, name: string, code: $FC.InputCodeLocation, flags: DeployFlags, isHandlerDefault: boolean) {
  const { client, runtime } = conn;
  const settings = functionConfigFromFlags(flags);
  const update = async () => {
    // An existing function keeps its handler unless --handler was given.
    const changes = isHandlerDefault ? { ...settings, handler: undefined } : settings;
    const r = await client.updateFunctionWithOptions(name, new $FC.UpdateFunctionRequest({ body: new $FC.UpdateFunctionInput({ ...changes, code }) }), {}, runtime());
    return { action: 'updated', fn: r.body };
  };
  try {
    await client.getFunctionWithOptions(name, new $FC.GetFunctionRequest({}), {}, runtime());
  } catch (e: unknown) {
    if (!isFcError(e, 'FunctionNotFound')) throw e;
    try {
      const body = new $FC.CreateFunctionInput({ functionName: name, ...settings, code });
      const r = await client.createFunctionWithOptions(new $FC.CreateFunctionRequest({ body }), {}, runtime());
      return { action: 'created', fn: r.body };
    } catch (e2: unknown) {
      // Someone created it between our GetFunction and CreateFunction.
      if (isFcError(e2, 'FunctionAlreadyExists')) return update();
      throw e2;
    }
  }
  return update();
}

export function registerDeployCommand(program: Command): void {
  const deploy = program
    .command('deploy')
    .description('zip a directory and deploy it as a function: create it, or update its code and settings if it exists')
    .argument('<dir>', 'directory with the function code (.git and node_modules/.cache are left out)')
    .addOption(new Option('--name <name>', 'function name').makeOptionMandatory());
  addFunctionConfigOptions(deploy, { isCreate: true, defaultHandler: DEFAULT_HANDLER });
  addClientOptions(deploy).action(async (dir: string, flags: DeployFlags, cmd: Command) => {
    const zipped = await zipDir(dir);
    const conn = connect(flags);
    const code = new $FC.InputCodeLocation({ zipFile: zipped.zip.toString('base64') });
    const isHandlerDefault = cmd.getOptionValueSource('handler') === 'default';
    process.stderr.write(`packaged ${zipped.fileCount} files from ${dir} (${mb(zipped.uncompressedBytes)} MB, zip ${mb(zipped.zip.length)} MB)\n`);
    const run = () => createOrUpdate(conn, flags.name, code, flags, isHandlerDefault);
    const showProgress = zipped.zip.length > PROGRESS_MIN_ZIP_BYTES && process.stderr.isTTY === true;
    const { action, fn } = showProgress ? await withUploadProgress(code.zipFile!.length, run) : await run();
    process.stderr.write(`${action} function ${flags.name}\n`);
    printFunction(fn, flags.json);
  });
}
