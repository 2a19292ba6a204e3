// One CLI edit through the admin service: committed at once (a private draft), or kept in the CLI draft with --draft.
import type { Command } from 'commander';
import type { Principal } from '../admin/principal.ts';
import type { AdminService } from '../admin/service.ts';
import { cryptoRandom } from '../shared/random.ts';
import { commonOptions } from './common.ts';
import { withAdmin } from './config-context.ts';
import { refusals } from './refusals.ts';

export type EditOpts = { config?: string; data?: string; draft?: boolean; message?: string };

/**
 * Without --draft an edit is one commit of its own (a private draft, committed at once, so pending
 * CLI-draft edits are not swept along); with --draft it joins the CLI draft, to be reviewed with
 * `config diff` and committed with `config commit`. Returns the edit's result and the revision.
 */
export async function cliEdit<T>(
  opts: EditOpts,
  message: string,
  edit: (service: AdminService, who: Principal) => Promise<T>,
): Promise<{ result: T; revision: number | null }> {
  return withAdmin(opts, (ctx) =>
    refusals(async () => {
      if (opts.draft) {
        const result = await edit(ctx.service, { via: 'cli', username: 'cli' });
        process.stdout.write(
          'saved to the CLI draft; see `tessera config diff`, then `tessera config commit`\n',
        );
        return { result, revision: null };
      }
      const who: Principal = { via: 'cli', username: 'cli', draft: cryptoRandom.uuid() };
      try {
        const result = await edit(ctx.service, who);
        const revision = await ctx.service.commit(who, opts.message ?? message);
        return { result, revision: revision.id };
      } finally {
        await ctx.service.discard(who);
      }
    }),
  );
}

export const editOptions = (cmd: Command) =>
  commonOptions(cmd)
    .option('--draft', 'add the change to the CLI draft instead of committing it at once')
    .option('-m, --message <text>', 'commit message');

export const committed = (revision: number | null, message: string) => {
  if (revision !== null) process.stdout.write(`committed revision ${revision}: ${message}\n`);
};
