// `tessera trusted-issuer list|add|update|remove`: external issuers whose JWTs clients may exchange (RFC 8693).
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { parseJwks } from '../admin/wizard-steps.ts';
import { commonOptions, fail } from './common.ts';
import { withAdmin } from './config-context.ts';
import { cliEdit, committed, type EditOpts, editOptions } from './edit.ts';

type IssuerOpts = EditOpts & { name?: string; jwks?: string; jwksUri?: string };

function readJwks(value: string) {
  const text = value.trimStart().startsWith('{') ? value : readFileSync(value, 'utf8');
  const { jwks, issues } = parseJwks(text);
  if (!jwks || issues.length > 0) return fail(issues.map((i) => `${i.path}: ${i.message}`).join('\n'));
  return jwks;
}

const fieldsOf = (opts: IssuerOpts) => ({
  ...(opts.name === undefined ? {} : { name: opts.name }),
  ...(opts.jwks === undefined ? {} : { jwks: readJwks(opts.jwks) }),
  ...(opts.jwksUri === undefined ? {} : { jwks_uri: opts.jwksUri }),
});

const fieldOptions = (cmd: Command) =>
  cmd
    .option('--name <text>', 'a name people know the issuer by')
    .option('--jwks <file-or-json>', 'its public keys, a JWK Set (file or JSON)')
    .option('--jwks-uri <url>', 'where it publishes its public keys (fetched behind the SSRF guard, cached)');

export function trustedIssuerCommand(): Command {
  const cmd = new Command('trusted-issuer').description(
    'manage external issuers whose JWTs clients may present in token exchange',
  );

  commonOptions(cmd.command('list'))
    .description('list trusted issuers: issuer, name, where the keys come from, clients that trust it')
    .action(async (opts) => {
      await withAdmin(opts, async (ctx) => {
        const snapshot = (await ctx.store.config.current())?.snapshot;
        for (const t of snapshot?.trusted_issuers ?? []) {
          const clients = (snapshot?.clients ?? []).filter((c) =>
            c.token_exchange?.trusted_issuers.includes(t.issuer),
          );
          process.stdout.write(
            `${t.issuer}\t${t.name ?? ''}\t${t.jwks_uri ?? 'keys by value'}\t${clients.map((c) => c.client_id).join(' ')}\n`,
          );
        }
      });
    });

  fieldOptions(editOptions(cmd.command('add <issuer>')))
    .description('trust an issuer; give its keys with --jwks or --jwks-uri (exactly one)')
    .action(async (issuer: string, opts: IssuerOpts) => {
      const message = opts.message ?? `trust issuer ${issuer}`;
      const { revision } = await cliEdit(opts, message, (service, who) =>
        service.createTrustedIssuer(who, { issuer, ...fieldsOf(opts) }),
      );
      committed(revision, message);
    });

  fieldOptions(editOptions(cmd.command('update <issuer>')))
    .description("replace a trusted issuer's name and keys")
    .action(async (issuer: string, opts: IssuerOpts) => {
      const message = opts.message ?? `update trusted issuer ${issuer}`;
      const { revision } = await cliEdit(opts, message, (service, who) =>
        service.updateTrustedIssuer(who, issuer, fieldsOf(opts)),
      );
      committed(revision, message);
    });

  editOptions(cmd.command('remove <issuer>'))
    .description('stop trusting an issuer (refused while a client trusts it)')
    .action(async (issuer: string, opts: EditOpts) => {
      const message = opts.message ?? `remove trusted issuer ${issuer}`;
      const { result, revision } = await cliEdit(opts, message, (service, who) =>
        service.deleteTrustedIssuer(who, issuer),
      );
      if (result.length > 0) {
        process.stdout.write(
          `note: still trusted by client ${result.join(', ')}: the commit is refused until none is\n`,
        );
      }
      committed(revision, message);
    });
  return cmd;
}
