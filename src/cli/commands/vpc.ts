/**
 * @module cli/commands/vpc
 * `openfc vpc create|list|get|delete`: the account's VPCs on an openfc server.
 */
import type { Command } from 'commander';
import { addClientOptions, type ClientFlags } from '../client-config.js';
import { callFc, connect } from '../fc-client.js';
import { registerVpcBindingCommands } from './vpc-binding.js';

interface VpcView {
  vpcId: string;
  vpcName: string;
  cidrBlock: string;
  gatewayIp: string;
  serviceAddressRange: string;
  bridge?: string;
  endpoint?: string;
  description: string;
  createdTime: string;
}

type JsonFlags = ClientFlags & { json?: boolean };

function printVpc(v: VpcView, isJson?: boolean): void {
  if (isJson) return void process.stdout.write(JSON.stringify(v) + '\n');
  process.stdout.write(
    `${v.vpcId}  ${v.vpcName}  ${v.cidrBlock}\n  gateway ${v.gatewayIp}; registered services use ${v.serviceAddressRange}` +
      `${v.bridge ? `; bridge ${v.bridge}` : ''}${v.endpoint ? `\n  openfc endpoint (members only) ${v.endpoint}` : ''}\n  created ${v.createdTime}${v.description ? `\n  ${v.description}` : ''}\n`,
  );
}

const vpcPath = (id: string) => `/2023-03-30/vpcs/${encodeURIComponent(id)}`;

export function registerVpcCommand(program: Command): void {
  const vpc = program
    .command('vpc')
    .description("manage the account's VPCs: address blocks whose functions reach each other, registered services and openfc's endpoint, and nothing of other VPCs; and VPC bindings");
  addClientOptions(
    vpc
      .command('create')
      .description('create a VPC')
      .requiredOption('--cidr <block>', 'IPv4 block, /16 to /28, not overlapping other VPCs, e.g. 10.1.0.0/24')
      .option('--name <name>', 'a name (default: the VPC id)')
      .option('--description <text>', 'free-text description')
      .option('--json', 'print the API response body as JSON'),
  ).action(async (flags: JsonFlags & { cidr: string; name?: string; description?: string }) => {
    const { client, runtime } = connect(flags);
    const body = { cidrBlock: flags.cidr, ...(flags.name !== undefined && { vpcName: flags.name }), ...(flags.description !== undefined && { description: flags.description }) };
    printVpc((await callFc(client, { action: 'CreateVpc', method: 'POST', pathname: '/2023-03-30/vpcs', body }, runtime())) as VpcView, flags.json);
  });
  addClientOptions(vpc.command('list').description("list the account's VPCs").option('--json', 'print JSON: {vpcs: [...]}')).action(async (flags: JsonFlags) => {
    const { client, runtime } = connect(flags);
    const r = (await callFc(client, { action: 'ListVpcs', method: 'GET', pathname: '/2023-03-30/vpcs' }, runtime())) as { vpcs: VpcView[] };
    if (flags.json) process.stdout.write(JSON.stringify(r) + '\n');
    else for (const v of r.vpcs) printVpc(v);
  });
  addClientOptions(vpc.command('get').description('show a VPC').argument('<vpc-id>', 'the VPC id').option('--json', 'print the API response body as JSON')).action(
    async (id: string, flags: JsonFlags) => {
      const { client, runtime } = connect(flags);
      printVpc((await callFc(client, { action: 'GetVpc', method: 'GET', pathname: vpcPath(id) }, runtime())) as VpcView, flags.json);
    },
  );
  addClientOptions(vpc.command('delete').description('delete a VPC that no function uses').argument('<vpc-id>', 'the VPC id')).action(async (id: string, flags: ClientFlags) => {
    const { client, runtime } = connect(flags);
    await callFc(client, { action: 'DeleteVpc', method: 'DELETE', pathname: vpcPath(id) }, runtime());
    process.stdout.write(`deleted ${id}\n`);
  });
  registerVpcBindingCommands(vpc);
}
