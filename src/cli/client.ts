// `tessera client create|list|show|reset-secret|delete`: clients in the local database, each change one revision.
import { Command } from 'commander';
import { commonOptions, fail } from './common.ts';
import { cliEdit } from './edit.ts';
import { openLocal } from './local.ts';

const collect = (value: string, previous: string[] = []) => [...previous, value];

type Opts = { config?: string; data?: string };

async function readClients(opts: Opts) {
  const { store } = await openLocal(opts);
  try {
    return (await store.config.current())?.snapshot.clients ?? [];
  } finally {
    await store.close();
  }
}

const printSecret = (clientId: string, secret: string, revision: number) =>
  process.stdout.write(
    `client_id:     ${clientId}\nclient_secret: ${secret}\n(committed as revision ${revision}; only a hash is stored: the secret cannot be shown again)\n`,
  );

export function clientCommand(): Command {
  const cmd = new Command('client').description('manage OAuth clients');

  commonOptions(cmd.command('create'))
    .description('create a code-flow client and print its secret once')
    .requiredOption('--id <client_id>', 'client identifier, e.g. www')
    .requiredOption('--redirect-uri <uri>', 'registered redirect URI (repeat for several)', collect)
    .option('--scope <scope>', 'allowed scope (repeat for several)', collect)
    .option(
      '--secret <secret>',
      'use this secret instead of a generated one (about 256 bits: 43 random characters)',
    )
    .option('--authenticator <id>', 'user authenticator', 'username-password')
    .option('--no-refresh-token', 'do not issue refresh tokens')
    .option('--access-token-lifetime <seconds>', 'access token lifetime', '300')
    .action(async (opts) => {
      // Through the admin service, as the UI and API: a generated secret is hashed at once, never checked as typed.
      const { result, revision } = await cliEdit(opts, `create client ${opts.id}`, (service, who) =>
        service.createClient(who, {
          client_id: opts.id,
          redirect_uris: opts.redirectUri,
          scopes: opts.scope ?? ['openid'],
          ...(opts.secret === undefined ? {} : { secret: opts.secret }),
          authenticator: opts.authenticator,
          refresh_token: { enabled: opts.refreshToken, lifetime: 86_400 },
          access_token_lifetime: Number(opts.accessTokenLifetime),
        }),
      );
      printSecret(opts.id, result.secret ?? opts.secret, revision!);
    });

  commonOptions(cmd.command('reset-secret <client_id>'))
    .description('replace a client secret with a new generated one and print it once')
    .option(
      '--secret <secret>',
      'use this secret instead of a generated one (about 256 bits: 43 random characters)',
    )
    .action(async (clientId: string, opts) => {
      const { result, revision } = await cliEdit(opts, `reset secret of client ${clientId}`, (service, who) =>
        service.resetSecret(who, clientId, opts.secret),
      );
      printSecret(clientId, result.secret ?? opts.secret, revision!);
    });

  commonOptions(cmd.command('delete <client_id>'))
    .description('delete a client')
    .action(async (clientId: string, opts) => {
      const { revision } = await cliEdit(opts, `delete client ${clientId}`, (service, who) =>
        service.deleteClient(who, clientId),
      );
      process.stdout.write(`deleted client ${clientId} (revision ${revision})\n`);
    });

  commonOptions(cmd.command('list'))
    .description('list clients')
    .action(async (opts) => {
      for (const c of await readClients(opts)) {
        process.stdout.write(`${c.client_id}\t${c.redirect_uris.join(' ')}\t${c.scopes.join(' ')}\n`);
      }
    });

  commonOptions(cmd.command('show <client_id>'))
    .description('show a client (never its secret)')
    .action(async (clientId: string, opts) => {
      const client = (await readClients(opts)).find((c) => c.client_id === clientId);
      if (!client) return fail(`no client "${clientId}"`);
      const { secret_hash: _, secret: __, ...visible } = client;
      process.stdout.write(`${JSON.stringify(visible, null, 2)}\n`);
    });
  return cmd;
}
