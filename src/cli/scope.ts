// `tessera scope list|create|update|delete`: scopes and their claims, committed at once or kept in the CLI draft.
import { Command } from 'commander';
import { STANDARD_SCOPES } from '../config/schema.ts';
import { commonOptions } from './common.ts';
import { withAdmin } from './config-context.ts';
import { cliEdit, committed, type EditOpts, editOptions } from './edit.ts';

const collect = (value: string, previous: string[] = []) => [...previous, value];

type ScopeOpts = EditOpts & { description?: string; claim?: string[] };

export function scopeCommand(): Command {
  const cmd = new Command('scope').description('manage scopes and the claims they release');

  commonOptions(cmd.command('list'))
    .description('list scopes: the built-in OpenID Connect ones and the configured ones')
    .action(async (opts) => {
      await withAdmin(opts, async (ctx) => {
        for (const [name, claims] of Object.entries(STANDARD_SCOPES)) {
          process.stdout.write(`${name}\t(built in)\t${claims.join(' ')}\n`);
        }
        const snapshot = (await ctx.store.config.current())?.snapshot;
        for (const s of snapshot?.scopes ?? []) {
          process.stdout.write(`${s.name}\t${s.description ?? ''}\t${s.claims.join(' ')}\n`);
        }
      });
    });

  editOptions(cmd.command('create <name>'))
    .description('create a scope')
    .option('--description <text>', 'shown on the consent page')
    .option('--claim <claim>', 'claim UserInfo releases for the scope (repeat for several)', collect)
    .action(async (name: string, opts: ScopeOpts) => {
      const message = opts.message ?? `create scope ${name}`;
      const { revision } = await cliEdit(opts, message, (service, who) =>
        service.createScope(who, {
          name,
          ...(opts.description === undefined ? {} : { description: opts.description }),
          claims: opts.claim ?? [],
        }),
      );
      committed(revision, message);
    });

  editOptions(cmd.command('update <name>'))
    .description('change the description or the claims of a scope')
    .option('--description <text>', 'new description')
    .option('--claim <claim>', 'the claims, replacing the old list (repeat for several)', collect)
    .action(async (name: string, opts: ScopeOpts) => {
      const message = opts.message ?? `update scope ${name}`;
      const { revision } = await cliEdit(opts, message, (service, who) =>
        service.updateScope(who, name, {
          ...(opts.description === undefined ? {} : { description: opts.description }),
          ...(opts.claim === undefined ? {} : { claims: opts.claim }),
        }),
      );
      committed(revision, message);
    });

  editOptions(cmd.command('delete <name>'))
    .description('delete a scope (refused while a client uses it)')
    .action(async (name: string, opts: EditOpts) => {
      const message = opts.message ?? `delete scope ${name}`;
      const { revision } = await cliEdit(opts, message, (service, who) => service.deleteScope(who, name));
      committed(revision, message);
    });
  return cmd;
}
