// `tessera admin create|list`: admin accounts for the web UI and API, made from the command line.
import { Command } from 'commander';
import { systemClock } from '../shared/clock.ts';
import { commonOptions, fail } from './common.ts';
import { openLocal } from './local.ts';
import { readPassword } from './prompt.ts';

export function adminCommand(): Command {
  const cmd = new Command('admin').description('manage admin accounts of the web UI and API');

  commonOptions(cmd.command('create <username>'))
    .description('create an admin account; the password is read from stdin or asked for twice')
    .action(async (username: string, opts) => {
      const { password, confirm } = await readPassword('Password');
      const { store } = await openLocal(opts);
      try {
        const { createAdmin } = await import('../admin/admins.ts');
        const result = await createAdmin(store.admin.users, { username, password, confirm }, systemClock);
        if (!result.ok) return fail(Object.values(result.errors).join('\n'));
        process.stdout.write(`created admin ${username}; log in at /admin/login\n`);
      } finally {
        await store.close();
      }
    });

  commonOptions(cmd.command('list'))
    .description('list admin accounts')
    .action(async (opts) => {
      const { store } = await openLocal(opts);
      try {
        for (const user of await store.admin.users.list()) {
          process.stdout.write(
            `${user.username}\tcreated ${new Date(user.createdAt * 1000).toISOString()}\n`,
          );
        }
      } finally {
        await store.close();
      }
    });
  return cmd;
}
