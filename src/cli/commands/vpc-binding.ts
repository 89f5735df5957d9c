/**
 * @module cli/commands/vpc-binding
 * `openfc vpc bind|unbind|bindings`: VPC bindings, which make a function invocable only through
 * the openfc endpoint of its bound VPCs (CreateVpcBinding, DeleteVpcBinding, ListVpcBindings).
 */
import type { Command } from 'commander';
import { addClientOptions, type ClientFlags } from '../client-config.js';
import { $FC, connect } from '../fc-client.js';

/** Adds the binding subcommands to `openfc vpc`. */
export function registerVpcBindingCommands(vpc: Command): void {
  addClientOptions(
    vpc
      .command('bind')
      .description('bind a function to a VPC: from then on it is invoked only through the openfc endpoint of its bound VPCs')
      .argument('<function>', 'the function name')
      .argument('<vpc-id>', "one of the account's VPCs"),
  ).action(async (fn: string, vpcId: string, flags: ClientFlags) => {
    const { client, runtime } = connect(flags);
    await client.createVpcBindingWithOptions(fn, new $FC.CreateVpcBindingRequest({ body: new $FC.CreateVpcBindingInput({ vpcId }) }), {}, runtime());
    process.stdout.write(`bound ${fn} to ${vpcId}\n`);
  });
  addClientOptions(
    vpc.command('unbind').description('remove a VPC binding (a function with no bindings left is invocable from everywhere again)').argument('<function>', 'the function name').argument('<vpc-id>', 'the bound VPC'),
  ).action(async (fn: string, vpcId: string, flags: ClientFlags) => {
    const { client, runtime } = connect(flags);
    await client.deleteVpcBindingWithOptions(fn, vpcId, {}, runtime());
    process.stdout.write(`unbound ${fn} from ${vpcId}\n`);
  });
  addClientOptions(vpc.command('bindings').description("list the VPCs a function is bound to").argument('<function>', 'the function name').option('--json', 'print JSON: {vpcIds: [...]}')).action(
    async (fn: string, flags: ClientFlags & { json?: boolean }) => {
      const { client, runtime } = connect(flags);
      const r: { vpcIds?: string[] } = (await client.listVpcBindingsWithOptions(fn, {}, runtime())).body ?? {};
      if (flags.json) process.stdout.write(JSON.stringify({ vpcIds: r.vpcIds ?? [] }) + '\n');
      else for (const id of r.vpcIds ?? []) process.stdout.write(`${id}\n`);
    },
  );
}
