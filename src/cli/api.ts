// `tessera api list|create|update|delete`: the APIs (resource servers, RFC 8707) clients get tokens for.
import { Command } from 'commander';
import { commonOptions } from './common.ts';
import { withAdmin } from './config-context.ts';
import { cliEdit, committed, type EditOpts, editOptions } from './edit.ts';

const collect = (value: string, previous: string[] = []) => [...previous, value];

type ApiOpts = EditOpts & { name?: string; scope?: string[]; format?: string; lifetime?: string };

/** The options given, as the API input's fields; a lifetime goes to the schema as a number. */
const fieldsOf = (opts: ApiOpts) => ({
  ...(opts.name === undefined ? {} : { name: opts.name }),
  ...(opts.scope === undefined ? {} : { scopes: opts.scope }),
  ...(opts.format === undefined ? {} : { access_token_format: opts.format as 'jwt' | 'opaque' }),
  ...(opts.lifetime === undefined ? {} : { access_token_lifetime: Number(opts.lifetime) }),
});

const fieldOptions = (cmd: Command, scopes: string) =>
  cmd
    .option('--name <text>', 'a name people know the API by')
    .option('--scope <scope>', scopes, collect)
    .option('--format <format>', 'access token format: jwt (RFC 9068) or opaque')
    .option('--lifetime <seconds>', 'access token lifetime');

export function apiCommand(): Command {
  const cmd = new Command('api').description(
    'manage APIs (resource servers) that clients get access tokens for',
  );

  commonOptions(cmd.command('list'))
    .description('list APIs: identifier, token format and lifetime, scopes, allowed clients')
    .action(async (opts) => {
      await withAdmin(opts, async (ctx) => {
        const snapshot = (await ctx.store.config.current())?.snapshot;
        for (const a of snapshot?.apis ?? []) {
          const clients = (snapshot?.clients ?? []).filter((c) => c.apis.includes(a.identifier));
          process.stdout.write(
            `${a.identifier}\t${a.access_token_format}\t${a.access_token_lifetime}s\t${a.scopes.join(' ')}\t${clients.map((c) => c.client_id).join(' ')}\n`,
          );
        }
      });
    });

  fieldOptions(editOptions(cmd.command('create <identifier>')), 'scope the API accepts (repeat for several)')
    .description("create an API; its identifier is what clients send as resource, and the tokens' aud")
    .action(async (identifier: string, opts: ApiOpts) => {
      const message = opts.message ?? `create API ${identifier}`;
      const { revision } = await cliEdit(opts, message, (service, who) =>
        service.createApi(who, { identifier, ...fieldsOf(opts) }),
      );
      committed(revision, message);
    });

  fieldOptions(editOptions(cmd.command('update <identifier>')), 'the scopes, replacing the old list (repeat)')
    .description('change the name, scopes, token format or lifetime of an API')
    .action(async (identifier: string, opts: ApiOpts) => {
      const message = opts.message ?? `update API ${identifier}`;
      const { revision } = await cliEdit(opts, message, (service, who) =>
        service.updateApi(who, identifier, fieldsOf(opts)),
      );
      committed(revision, message);
    });

  editOptions(cmd.command('delete <identifier>'))
    .description('delete an API (refused while a client is allowed to use it)')
    .action(async (identifier: string, opts: EditOpts) => {
      const message = opts.message ?? `delete API ${identifier}`;
      const { result, revision } = await cliEdit(opts, message, (service, who) =>
        service.deleteApi(who, identifier),
      );
      if (result.length > 0) {
        process.stdout.write(
          `note: still allowed by client ${result.join(', ')}: the commit is refused until none is\n`,
        );
      }
      committed(revision, message);
    });
  return cmd;
}
