/**
 * @module cli/commands/instance
 * `openfc instance list <function>` (ListInstances) and `openfc instance exec <function>
 * <instance-id> [command...]` (InstanceExec): a command, or a shell, inside a live instance.
 */
import { CommanderError, InvalidArgumentError, type Command } from 'commander';
import { addClientOptions, type ClientFlags } from '../client-config.js';
import { openExec } from '../exec-client.js';
import { $FC, connect } from '../fc-client.js';

interface ExecFlags extends ClientFlags {
  tty?: boolean;
  stdin: boolean;
  idleTimeout?: number;
}

/** The exit code when the session ended without the command's own (killed by a signal, idle timeout). */
const NO_EXIT_CODE = 255;

const positiveInt = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number of seconds');
  return n;
};

async function exec(functionName: string, instanceId: string, command: string[], flags: ExecFlags): Promise<number> {
  const { config } = connect(flags);
  const tty = flags.tty ?? (process.stdin.isTTY === true && process.stdout.isTTY === true && command.length === 0);
  const conn = await openExec(config, { functionName, instanceId, command: command.length ? command : ['/bin/sh'], tty, stdin: flags.stdin, idleTimeoutSec: flags.idleTimeout });
  conn.onStdout((c) => process.stdout.write(c));
  conn.onStderr((c) => process.stderr.write(c));
  const isRaw = tty && process.stdin.isTTY === true;
  if (isRaw) process.stdin.setRawMode(true);
  if (flags.stdin) {
    process.stdin.on('data', (c: Buffer) => conn.write(c));
    process.stdin.once('end', () => conn.closeStdin());
  }
  try {
    const end = await conn.done;
    if (end.reason === 'idle-timeout') process.stderr.write('openfc: the exec session was idle too long and was ended\n');
    return end.exitCode ?? NO_EXIT_CODE;
  } finally {
    if (isRaw) process.stdin.setRawMode(false);
    process.stdin.pause();
  }
}

export function registerInstanceCommand(program: Command): void {
  const instance = program.command('instance').description("a function's live instances: list them, or run a command inside one for troubleshooting");
  addClientOptions(instance.command('list').description('list the live instances of a function').argument('<function>', 'function name').option('--json', 'print the API response body as JSON')).action(
    async (functionName: string, flags: ClientFlags & { json?: boolean }) => {
      const { client, runtime } = connect(flags);
      const res = await client.listInstancesWithOptions(functionName, new $FC.ListInstancesRequest({}), {}, runtime());
      const body = res.body?.toMap() as { instances?: { instanceId: string; status: string; resourceType?: string; createdTimeMs?: number }[] };
      if (flags.json) return void process.stdout.write(JSON.stringify(body) + '\n');
      for (const i of body.instances ?? []) process.stdout.write(`${i.instanceId}  ${i.status}  ${i.resourceType ?? ''}  started ${new Date(i.createdTimeMs ?? 0).toISOString()}\n`);
    },
  );
  addClientOptions(
    instance
      .command('exec')
      .description(
        "run a command inside a live instance, in the function's namespaces, cgroup and user (default: a shell). " +
          'Exits with the command\'s exit code. Every exec is written to the server\'s audit log.',
      )
      .argument('<function>', 'function name')
      .argument('<instance-id>', 'an instance id from `openfc instance list` or an invocation\'s x-fc-instance-id')
      .argument('[command...]', 'the command and its arguments (put -- before them if they start with -)')
      .option('-t, --tty', 'run on a pseudo-terminal (default: when no command is given and this terminal is interactive)')
      .option('--no-stdin', 'do not send this terminal\'s input to the command')
      .option('--idle-timeout <seconds>', 'end the session after this long without input or output (server default 600)', positiveInt),
  ).action(async (functionName: string, instanceId: string, command: string[], flags: ExecFlags) => {
    const code = await exec(functionName, instanceId, command, flags);
    if (code !== 0) throw new CommanderError(code, 'openfc.instance.exec', `the command exited with ${code}`);
  });
}
