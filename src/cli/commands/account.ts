/**
 * @module cli/commands/account
 * `openfc account create|list`: operator commands that work directly on the data dir (they may
 * run while `openfc serve` is up; the server sees new accounts at once).
 */
import path from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_CONFIG, resolveConfig } from '../../config/index.js';
import { createAccountService } from '../../iam/index.js';
import { openSecretBox } from '../../store/secret-box.js';
import { createSqliteMetadataStore } from '../../store/sqlite/sqlite-metadata-store.js';
import { createSystemClock } from '../../time/clock.js';

function openAccounts(dataDir: string | undefined) {
  const config = resolveConfig({ dataDir });
  const store = createSqliteMetadataStore(path.join(config.dataDir, 'openfc.db'), { secretBox: openSecretBox(config.dataDir) });
  return { store, accounts: createAccountService({ store, clock: createSystemClock() }) };
}

export function registerAccountCommand(program: Command): void {
  const account = program.command('account').description('manage accounts (tenants) in a data dir');
  account
    .command('create')
    .description("create an account and print its root AccessKey (shown once; keep it secret)")
    .option('--data-dir <dir>', `openfc data dir (default ${DEFAULT_CONFIG.dataDir})`)
    .option('--json', 'print JSON: {accountId, accessKeyId, accessKeySecret}')
    .action((flags: { dataDir?: string; json?: boolean }) => {
      const { store, accounts } = openAccounts(flags.dataDir);
      try {
        const created = accounts.createAccount();
        if (flags.json) process.stdout.write(JSON.stringify(created) + '\n');
        else process.stdout.write(`account ${created.accountId}\n  AccessKeyId:     ${created.accessKeyId}\n  AccessKeySecret: ${created.accessKeySecret}\n`);
      } finally {
        store.close();
      }
    });
  account
    .command('list')
    .description('list accounts and their AccessKey ids (never the secrets)')
    .option('--data-dir <dir>', `openfc data dir (default ${DEFAULT_CONFIG.dataDir})`)
    .option('--json', 'print JSON')
    .action((flags: { dataDir?: string; json?: boolean }) => {
      const { store, accounts } = openAccounts(flags.dataDir);
      try {
        const list = accounts.listAccounts();
        if (flags.json) process.stdout.write(JSON.stringify(list) + '\n');
        else for (const a of list) process.stdout.write(`${a.accountId}  created ${a.createdTime}  keys ${a.accessKeyIds.join(', ')}\n`);
      } finally {
        store.close();
      }
    });
}
