// `tessera client create|update|list|show|reset-secret|delete`: clients in the local database, each change one revision.
import { Command } from 'commander';
import type { ClientCreateInput, ClientPatch } from '../admin/inputs.ts';
import type { ClientView } from '../admin/views.ts';
import { type ClientOpts, clientFields, clientOptions } from './client-options.ts';
import { commonOptions, fail } from './common.ts';
import { cliEdit } from './edit.ts';
import { openLocal } from './local.ts';

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
    `client_id:     ${clientId}\nclient_secret: ${secret}\n(committed as revision ${revision}; it is stored only hashed or sealed: the secret cannot be shown again)\n`,
  );

/** A client without a secret (public, or signing with its private key) has only its id to print. */
function printClient(client: ClientView, secret: string | undefined, revision: number) {
  if (secret !== undefined) {
    printSecret(client.client_id, secret, revision);
    return;
  }
  const how =
    client.token_endpoint_auth_method === 'none'
      ? 'a public client: no secret'
      : `it authenticates with ${client.token_endpoint_auth_method}${client.has_secret ? ', its secret unchanged' : ': no secret'}`;
  process.stdout.write(`client_id:     ${client.client_id}\n(committed as revision ${revision}; ${how})\n`);
}

export function clientCommand(): Command {
  const cmd = new Command('client').description('manage OAuth clients');

  clientOptions(commonOptions(cmd.command('create')), false)
    .description('create a client and print its secret once (a generated one unless --secret)')
    .requiredOption('--id <client_id>', 'client identifier, e.g. www')
    .option(
      '--secret <secret>',
      'use this secret instead of a generated one (about 256 bits: 43 random characters)',
    )
    .option('--no-refresh-token', 'do not issue refresh tokens')
    .action(async (opts: ClientOpts & { id: string; secret?: string; refreshToken: boolean }) => {
      // Through the admin service, as the UI and API: a generated secret is hashed at once, never checked as typed.
      const { result, revision } = await cliEdit(opts, `create client ${opts.id}`, (service, who) =>
        service.createClient(who, {
          client_id: opts.id,
          scopes: ['openid'],
          authenticator: 'username-password',
          access_token_lifetime: 300,
          ...clientFields<Omit<ClientCreateInput, 'client_id'>>(opts),
          ...(opts.secret === undefined ? {} : { secret: opts.secret }),
          refresh_token: { enabled: opts.refreshToken, lifetime: 86_400 },
        }),
      );
      printClient(result.client, result.secret ?? opts.secret, revision!);
    });

  clientOptions(commonOptions(cmd.command('update <client_id>')), true)
    .description('change the settings given; a new secret, if the change needs one, is printed once')
    .action(async (clientId: string, opts: ClientOpts) => {
      const { result, revision } = await cliEdit(opts, `update client ${clientId}`, (service, who) =>
        service.updateClient(who, clientId, clientFields<ClientPatch>(opts)),
      );
      printClient(result.client, result.secret, revision!);
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
        process.stdout.write(
          `${c.client_id}\t${c.capabilities.join(',')}\t${c.token_endpoint_auth_method}\t${c.redirect_uris.join(' ')}\t${c.scopes.join(' ')}\t${c.apis.join(' ')}\n`,
        );
      }
    });

  commonOptions(cmd.command('show <client_id>'))
    .description('show a client (never its secret)')
    .action(async (clientId: string, opts) => {
      const client = (await readClients(opts)).find((c) => c.client_id === clientId);
      if (!client) return fail(`no client "${clientId}"`);
      const { secret_hash: _, secret: __, secret_sealed: ___, ...visible } = client;
      process.stdout.write(`${JSON.stringify(visible, null, 2)}\n`);
    });
  return cmd;
}
