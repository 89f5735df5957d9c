/** The function settings flags: what `--custom-command` and `--custom-port` put into CreateFunctionInput. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Command } from 'commander';
import { addFunctionConfigOptions, functionConfigFromFlags, type FunctionConfigFlags } from './function.js';

function parse(argv: string[]): FunctionConfigFlags {
  const cmd = addFunctionConfigOptions(new Command('create').exitOverride().configureOutput({ writeErr: () => undefined }), { isCreate: false });
  cmd.parse(argv, { from: 'user' });
  return cmd.opts<FunctionConfigFlags>();
}

test('--custom-command and --custom-port become customRuntimeConfig {command, args, port}', () => {
  const cfg = functionConfigFromFlags(parse(['--runtime', 'custom.debian12', '--custom-command', '["/usr/bin/python3","-u","server.py"]', '--custom-port', '8080']));
  const crc = cfg.customRuntimeConfig as { command: string[]; args: string[]; port: number };
  assert.deepEqual([crc.command, crc.args, crc.port], [['/usr/bin/python3'], ['-u', 'server.py'], 8080]);
  assert.equal(functionConfigFromFlags(parse(['--runtime', 'python3.10'])).customRuntimeConfig, undefined);
});

test('--custom-command must be a JSON array of strings', () => {
  assert.throws(() => parse(['--custom-command', 'python3 server.py']), /JSON array of strings/);
  assert.throws(() => parse(['--custom-command', '[]']), /non-empty JSON array/);
});
