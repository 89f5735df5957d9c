/**
 * @module cli/main
 * The `openfc` command line. Each command registers itself from its own file.
 */
import { Command, CommanderError } from 'commander';
import { PlatformError } from '../errors/index.js';
import { registerAccountCommand } from './commands/account.js';
import { registerAliasCommand } from './commands/alias.js';
import { registerAsyncConfigCommand } from './commands/async-config.js';
import { registerDeployCommand } from './commands/deploy.js';
import { registerFunctionCommand } from './commands/function.js';
import { registerIamCommand } from './commands/iam.js';
import { registerInstanceCommand } from './commands/instance.js';
import { registerInvokeCommand } from './commands/invoke.js';
import { registerLogsCommand } from './commands/logs.js';
import { registerServeCommand } from './commands/serve.js';
import { registerVpcCommand } from './commands/vpc.js';
import { registerLayerCommand } from './commands/layer.js';
import { registerTriggerCommand } from './commands/trigger.js';

export function buildProgram(): Command {
  const program = new Command('openfc')
    .description('openfc: a self-hosted Function Compute platform that speaks the Alibaba Cloud FC 3.0 API')
    .showHelpAfterError()
    .exitOverride();
  registerServeCommand(program);
  registerAccountCommand(program);
  registerFunctionCommand(program);
  registerInvokeCommand(program);
  registerDeployCommand(program);
  registerVpcCommand(program);
  registerLayerCommand(program);
  registerInstanceCommand(program);
  registerIamCommand(program);
  registerAsyncConfigCommand(program);
  registerTriggerCommand(program);
  registerAliasCommand(program);
  registerLogsCommand(program);
  return program;
}

/** Runs the CLI and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (e: unknown) {
    if (e instanceof CommanderError) return e.exitCode;
    if (e instanceof PlatformError) {
      process.stderr.write(`openfc: ${e.code}: ${e.message}\n`);
      return 1;
    }
    const err = e as { code?: string; message?: string; data?: { Message?: string } };
    if (err.code && err.data?.Message) process.stderr.write(`openfc: ${err.code}: ${err.data.Message}\n`);
    else process.stderr.write(`openfc: ${err.message ?? String(e)}\n`);
    return 1;
  }
}
