// `tessera client create|list|show`: manage clients in the local database, each change one committed revision.
import { Command } from 'commander';
import type { ClientConfig, SnapshotInput } from '../config/schema.ts';
import { validateSnapshot } from '../config/validate.ts';
import { generateClientSecret } from '../keys/secrets.ts';
import { openLocal } from '../main.ts';
import { systemClock } from '../shared/clock.ts';
import { cryptoRandom } from '../shared/random.ts';
import { commonOptions, fail } from './common.ts';

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function clientCommand(): Command {
  const cmd = new Command('client').description('manage OAuth clients');

  commonOptions(cmd.command('create'))
    .description('create a code-flow client and print its secret once')
    .requiredOption('--id <client_id>', 'client identifier, e.g. www')
    .requiredOption('--redirect-uri <uri>', 'registered redirect URI (repeat for several)', collect)
    .option('--scope <scope>', 'allowed scope (repeat for several)', collect)
    .option('--secret <secret>', 'use this secret instead of a generated one (at least 32 characters)')
    .option('--authenticator <id>', 'user authenticator', 'username-password')
    .option('--no-refresh-token', 'do not issue refresh tokens')
    .option('--access-token-lifetime <seconds>', 'access token lifetime', '300')
    .action(async (opts) => {
      const { store, secrets } = openLocal(opts);
      try {
        const current = await store.config.current();
        const secret: string = opts.secret ?? generateClientSecret(cryptoRandom);
        const client: Partial<ClientConfig> = {
          client_id: opts.id,
          redirect_uris: opts.redirectUri,
          scopes: opts.scope ?? ['openid'],
          secret,
          authenticator: opts.authenticator,
          refresh_token: { enabled: opts.refreshToken, lifetime: 86_400 },
          access_token_lifetime: Number(opts.accessTokenLifetime),
        };
        const base = (current?.snapshot ?? {}) as SnapshotInput;
        const candidate = { ...base, clients: [...(base.clients ?? []), client] };
        const checked = validateSnapshot(candidate);
        if (!checked.ok) return fail(checked.issues.map((i) => `${i.path}: ${i.message}`).join('\n'));
        // Only the keyed hash is committed; the plaintext leaves this process once, on stdout.
        const snapshot = {
          ...checked.value,
          clients: checked.value.clients.map((c) => {
            if (c.secret === undefined) return c;
            const { secret: plain, ...rest } = c;
            return { ...rest, secret_hash: secrets.hash(plain) };
          }),
        };
        const revision = await store.config.commit({
          parent: current?.id ?? null,
          author: 'cli',
          message: `create client ${opts.id}`,
          createdAt: systemClock.nowSeconds(),
          snapshot,
        });
        process.stdout.write(
          `client_id:     ${opts.id}\nclient_secret: ${secret}\n(committed as revision ${revision.id}; the secret is not stored and cannot be shown again)\n`,
        );
      } finally {
        await store.close();
      }
    });

  commonOptions(cmd.command('list'))
    .description('list clients')
    .action(async (opts) => {
      const { store } = openLocal(opts);
      try {
        const current = await store.config.current();
        for (const c of current?.snapshot.clients ?? []) {
          process.stdout.write(`${c.client_id}\t${c.redirect_uris.join(' ')}\t${c.scopes.join(' ')}\n`);
        }
      } finally {
        await store.close();
      }
    });
  return cmd;
}
