// `tessera user create|list|disable|enable|mark-email-verified`: end-user accounts of the Authentication Service.
import { Command } from 'commander';
import { systemClock } from '../shared/clock.ts';
import { recordCli } from './audit-record.ts';
import { commonOptions, fail } from './common.ts';
import { openLocal } from './local.ts';
import { readPassword } from './prompt.ts';
import { userManageCommands } from './user-manage.ts';

type Opts = { config?: string; data?: string };

async function setDisabled(username: string, opts: Opts, disabled: boolean) {
  const { store } = await openLocal(opts);
  try {
    const account = await store.accounts.findByUsername(username);
    if (!account) return fail(`no user "${username}"`);
    // Disabling also ends the user's SSO sessions (the store does both at once).
    await store.accounts.setDisabled(account.id, disabled);
    await recordCli(store, {
      type: disabled ? 'account.disabled' : 'account.enabled',
      accountId: account.id,
    });
    process.stdout.write(`${disabled ? 'disabled' : 'enabled'} user ${account.username}\n`);
  } finally {
    await store.close();
  }
}

export function userCommand(): Command {
  const cmd = new Command('user').description('manage user accounts');

  commonOptions(cmd.command('create <username>'))
    .description('create a user; the password is read from stdin or asked for twice')
    .option('--email <email>', 'email address (claim email, not verified)')
    .option('--name <name>', 'full name (claim name)')
    .action(async (username: string, opts) => {
      const { password, confirm } = await readPassword('Password');
      if (confirm !== undefined && confirm !== password) return fail('the two passwords differ');
      const { store } = await openLocal(opts);
      try {
        const { registerAccount } = await import('../authn/accounts.ts');
        const result = await registerAccount(
          { username, password, email: opts.email, name: opts.name },
          store.accounts,
          systemClock,
        );
        if (!result.ok)
          return fail(
            Object.entries(result.errors)
              .map(([k, v]) => `${k}: ${v}`)
              .join('\n'),
          );
        await recordCli(store, { type: 'account.created', accountId: result.account.id });
        process.stdout.write(`created user ${result.account.username}\n`);
      } finally {
        await store.close();
      }
    });

  commonOptions(cmd.command('list'))
    .description('list users')
    .option('-n, --limit <n>', 'at most this many', '1000')
    .action(async (opts) => {
      const { store } = await openLocal(opts);
      try {
        for (const a of await store.accounts.list(Number(opts.limit))) {
          const created = new Date(a.createdAt * 1000).toISOString();
          process.stdout.write(`${a.username}\t${a.disabled ? 'disabled' : 'active'}\tcreated ${created}\n`);
        }
      } finally {
        await store.close();
      }
    });

  commonOptions(cmd.command('disable <username>'))
    .description('disable a user: no more logins, and their SSO sessions end')
    .action((username: string, opts) => setDisabled(username, opts, true));

  commonOptions(cmd.command('enable <username>'))
    .description('enable a disabled user again')
    .action((username: string, opts) => setDisabled(username, opts, false));

  // The one way besides the emailed link: an operator who knows the address is the user's says so, on the record.
  commonOptions(cmd.command('mark-email-verified <username>'))
    .description("mark the user's current email address verified (email_verified: true) without a link")
    .action(async (username: string, opts) => {
      const { store } = await openLocal(opts);
      try {
        const account = await store.accounts.findByUsername(username);
        if (!account) return fail(`no user "${username}"`);
        const email = account.claims['email'];
        if (typeof email !== 'string' || email === '')
          return fail(`user ${account.username} has no email address`);
        if (account.claims['email_verified'] !== true) {
          await store.accounts.updateClaims(account.id, { ...account.claims, email_verified: true });
          await recordCli(store, {
            type: 'email.verified',
            accountId: account.id,
            detail: { via: 'operator' },
          });
        }
        process.stdout.write(`${email} of user ${account.username} is verified\n`);
      } finally {
        await store.close();
      }
    });
  // show, sessions end, factor remove, unlink, send-reset, send-verification: the admin's Users page, here.
  userManageCommands(cmd);
  return cmd;
}
