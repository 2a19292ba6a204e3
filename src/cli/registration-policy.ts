// `tessera registration policy show|set|reset`: the registration policy (RFC 7591), committed at once or kept in the CLI draft.
import type { Command } from 'commander';
import { registrationPolicy } from '../config/schema-registration.ts';
import { commonOptions, fail } from './common.ts';
import { withAdmin } from './config-context.ts';
import { cliEdit, committed, type EditOpts, editOptions } from './edit.ts';

type PolicyOpts = EditOpts & Record<string, string | undefined>;

/** A comma or space separated list; an empty string is an empty list. */
const list = (value: string) => value.split(/[\s,]+/).filter((v) => v !== '');

function count(name: string, value: string): number {
  const n = Number(value);
  return Number.isInteger(n) && n >= 0 ? n : fail(`${name}: use a whole number, 0 or more`);
}

function onOff(name: string, value: string): boolean {
  if (value === 'on' || value === 'true') return true;
  if (value === 'off' || value === 'false') return false;
  return fail(`${name}: use on or off`);
}

/** The options given, as a policy patch: what is not named stays as it is. */
function patchOf(opts: PolicyOpts): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  const set = (key: string, option: string, read: (v: string) => unknown) => {
    const value = opts[option];
    if (value !== undefined) patch[key] = read(value);
  };
  set('enabled', 'enabled', (v) => onOff('--enabled', v));
  set('access', 'access', (v) => v);
  set('redirect_uri_hosts', 'hosts', list);
  set('allow_custom_schemes', 'customSchemes', (v) => onOff('--custom-schemes', v));
  set('scopes', 'scopes', list);
  set('apis', 'apis', list);
  set('grant_types', 'grantTypes', list);
  set('token_endpoint_auth_methods', 'authMethods', list);
  set('unused_lifetime', 'unusedLifetime', (v) => count('--unused-lifetime', v));
  set('rate_limit', 'rateLimit', (v) => count('--rate-limit', v));
  set('rate_window', 'rateWindow', (v) => count('--rate-window', v));
  if (Object.keys(patch).length === 0) fail('name at least one setting to change (see --help)');
  return patch;
}

export function addPolicyCommands(cmd: Command): void {
  const policy = cmd.command('policy').description('who may register and what a registered client may get');
  commonOptions(policy.command('show'))
    .description('print the committed registration policy as JSON')
    .action(async (opts) => {
      await withAdmin(opts, async (ctx) => {
        const snapshot = (await ctx.store.config.current())?.snapshot ?? {};
        process.stdout.write(`${JSON.stringify(registrationPolicy(snapshot), null, 2)}\n`);
      });
    });
  editOptions(policy.command('set'))
    .description('change settings of the registration policy; the rest stay as they are')
    .option('--enabled <on|off>', 'accept registrations at the registration endpoint')
    .option('--access <open|initial_access_token>', 'anyone, or only with an initial access token')
    .option('--hosts <list>', 'hosts redirect URIs may point at ("" for any host)')
    .option('--custom-schemes <on|off>', "accept native apps' private-use URI schemes")
    .option('--scopes <list>', 'scopes a registered client may get')
    .option('--apis <list>', 'API identifiers a registered client may name as resource')
    .option('--grant-types <list>', 'grant types a registered client may get')
    .option('--auth-methods <list>', 'token endpoint authentication methods allowed')
    .option('--unused-lifetime <seconds>', 'remove a client unused this long (0 keeps them)')
    .option('--rate-limit <count>', 'registrations per address per window (0: no limit)')
    .option('--rate-window <seconds>', 'the window of the rate limit')
    .action(async (opts: PolicyOpts) => {
      const patch = patchOf(opts);
      const message = opts.message ?? 'update the registration policy';
      const { revision } = await cliEdit(opts, message, (service, who) =>
        service.updateRegistrationPolicy(who, patch),
      );
      committed(revision, message);
    });
  editOptions(policy.command('reset'))
    .description('back to the built-in policy: registration off')
    .action(async (opts: EditOpts) => {
      const message = opts.message ?? 'reset the registration policy';
      const { revision } = await cliEdit(opts, message, (service, who) =>
        service.clearRegistrationPolicy(who),
      );
      committed(revision, message);
    });
}
