/** @module cli/commands/invoke — `openfc invoke <name>`: one synchronous invocation, the result on stdout, the log tail and errors on stderr. */
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { CommanderError, type Command } from 'commander';
import { addClientOptions, type ClientFlags } from '../client-config.js';
import { $FC, INVOKE_TIMEOUT_MS, connect, readBody } from '../fc-client.js';

interface InvokeFlags extends ClientFlags {
  payload?: string;
  payloadFile?: string;
  qualifier?: string;
  log?: boolean;
}

/** Exit code when the function itself failed (x-fc-error-type set). */
export const FUNCTION_ERROR_EXIT_CODE = 1;

async function readPayload(flags: InvokeFlags, cmd: Command): Promise<Buffer> {
  if (flags.payload !== undefined && flags.payloadFile !== undefined) cmd.error('error: give --payload or --payload-file, not both');
  if (flags.payload !== undefined) return Buffer.from(flags.payload);
  if (flags.payloadFile === '-') return readBody(process.stdin);
  if (flags.payloadFile !== undefined) {
    try {
      return fs.readFileSync(flags.payloadFile);
    } catch (e: unknown) {
      throw new Error(`cannot read payload file ${flags.payloadFile}: ${(e as Error).message}`, { cause: e });
    }
  }
  return Buffer.alloc(0);
}

function header(headers: Record<string, string> | undefined, name: string): string | undefined {
  const v = headers?.[name];
  return v === undefined || v === '' ? undefined : v;
}

/** Writes to a stream and resolves once the data is handed to the OS (stdout may be a pipe). */
function write(stream: NodeJS.WritableStream, data: Buffer | string): Promise<void> {
  return new Promise((resolve, reject) => stream.write(data, (e) => (e ? reject(e) : resolve())));
}

export function registerInvokeCommand(program: Command): void {
  addClientOptions(
    program
      .command('invoke')
      .description('invoke a function synchronously and write its result to stdout as-is')
      .argument('<name>', 'function name')
      .option('--payload <string>', 'the event, as a string (default: empty)')
      .option('--payload-file <file>', "read the event from a file ('-' for stdin)")
      .option('--qualifier <version-or-alias>', 'version or alias to invoke (default LATEST)')
      .option('--log', "print the invocation's log tail (x-fc-log-result) to stderr")
      .addHelpText('after', '\nExit status: 0 on success; 1 when the function failed (its error body goes to stderr) or the call was refused.'),
  ).action(async (name: string, flags: InvokeFlags, cmd: Command) => {
    const payload = await readPayload(flags, cmd);
    const { client, runtime } = connect(flags);
    const r = await client.invokeFunctionWithOptions(
      name,
      new $FC.InvokeFunctionRequest({ qualifier: flags.qualifier, body: Readable.from([payload]) }),
      new $FC.InvokeFunctionHeaders({ xFcInvocationType: 'Sync', xFcLogType: flags.log ? 'Tail' : 'None' }),
      runtime(INVOKE_TIMEOUT_MS),
    );
    const body = await readBody(r.body);
    const logResult = header(r.headers, 'x-fc-log-result');
    if (flags.log && logResult !== undefined) {
      const log = Buffer.from(logResult, 'base64').toString('utf8');
      await write(process.stderr, log.endsWith('\n') || log === '' ? log : log + '\n');
    }
    const errorType = header(r.headers, 'x-fc-error-type');
    if (errorType !== undefined) {
      const text = body.toString('utf8');
      await write(process.stderr, text.endsWith('\n') ? text : text + '\n');
      // Goes through main's handler, which turns a CommanderError into its exit code without printing.
      throw new CommanderError(FUNCTION_ERROR_EXIT_CODE, 'openfc.invoke.functionError', `function ${name} failed: ${errorType}`);
    }
    await write(process.stdout, body);
  });
}
