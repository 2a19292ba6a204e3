// `tessera registration token create|list|revoke` and `tessera registration client list|disable|enable|delete` (RFC 7591).
import { Command } from 'commander';
import { commonOptions, fail } from './common.ts';
import { withAdmin } from './config-context.ts';
import { addPolicyCommands } from './registration-policy.ts';

const when = (seconds: number | null) => (seconds === null ? '-' : new Date(seconds * 1000).toISOString());

function positive(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : fail(`${name}: use a positive whole number`);
}

export function registrationCommand(): Command {
  const cmd = new Command('registration').description(
    'dynamic client registration: the policy, initial access tokens, registered clients',
  );
  const token = cmd.command('token').description('initial access tokens that let a client register');

  commonOptions(token.command('create'))
    .description('create an initial access token; it is printed once and stored only as a hash')
    .requiredOption('--label <text>', 'who or what the token is for; registered clients show it')
    .option('--expires-in <seconds>', 'refuse the token after this many seconds')
    .option('--uses <count>', 'how many registrations it may make')
    .action(async (opts) => {
      const expiresIn = positive('--expires-in', opts.expiresIn);
      const uses = positive('--uses', opts.uses);
      await withAdmin(opts, async (ctx) => {
        const made = await ctx.registration.createToken({ label: opts.label, expiresIn, uses });
        process.stderr.write(`initial access token ${made.view.id} (${made.view.label}); shown once:\n`);
        process.stdout.write(`${made.token}\n`);
      });
    });

  commonOptions(token.command('list'))
    .description('list initial access tokens (never the tokens themselves)')
    .action(async (opts) => {
      await withAdmin(opts, async (ctx) => {
        for (const t of await ctx.registration.tokens()) {
          const state = t.revoked ? 'revoked' : t.usable ? 'usable' : 'spent or expired';
          process.stdout.write(
            `${t.id}\t${t.label}\t${state}\tuses left ${t.uses_left ?? 'any'}\texpires ${when(t.expires_at)}\n`,
          );
        }
      });
    });

  commonOptions(token.command('revoke <id>'))
    .description('revoke an initial access token; clients it registered stay')
    .action(async (id: string, opts) => {
      await withAdmin(opts, (ctx) => ctx.registration.revokeToken(id));
      process.stdout.write(`revoked ${id}\n`);
    });

  const client = cmd.command('client').description('clients that registered themselves');
  commonOptions(client.command('list'))
    .description('list registered clients, newest first')
    .action(async (opts) => {
      await withAdmin(opts, async (ctx) => {
        for (const c of await ctx.registration.clients()) {
          process.stdout.write(
            `${c.client_id}\t${c.name}\t${c.disabled ? 'disabled' : 'enabled'}\t${c.registered_by}\t${c.address}\tcreated ${when(c.created_at)}\tlast used ${when(c.last_used_at)}\n`,
          );
        }
      });
    });
  for (const [name, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    commonOptions(client.command(`${name} <client_id>`))
      .description(`${name} a registered client`)
      .action(async (id: string, opts) => {
        await withAdmin(opts, (ctx) => ctx.registration.setDisabled('cli', id, disabled));
        process.stdout.write(`${name}d ${id}\n`);
      });
  }
  commonOptions(client.command('delete <client_id>'))
    .description('delete a registered client; its tokens stop working')
    .action(async (id: string, opts) => {
      await withAdmin(opts, (ctx) => ctx.registration.delete('cli', id));
      process.stdout.write(`deleted ${id}\n`);
    });
  addPolicyCommands(cmd);
  return cmd;
}
