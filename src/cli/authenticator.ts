// `tessera authenticator list|show|create|update|delete`: authenticators of every type (html-form, totp, passkey,
// and other providers through OpenID Connect, whose client secret comes from stdin or a prompt, never shown again).
import { Command } from 'commander';
import type { AuthenticatorCreateInput, AuthenticatorPatch } from '../admin/inputs.ts';
import { authenticatorView } from '../admin/views.ts';
import { upstreamRedirectUri } from '../authn/authenticators/oidc/redirect-uri.ts';
import type { AuthenticatorConfig } from '../config/schema.ts';
import { commonOptions, fail } from './common.ts';
import { cliEdit, committed, type EditOpts, editOptions } from './edit.ts';
import { openLocal } from './local.ts';
import { readPassword } from './prompt.ts';

const collect = (value: string, previous: string[] = []) => [...previous, value];
const TYPES = ['html-form', 'totp', 'passkey', 'oidc'] as const;

type Opts = EditOpts & {
  type?: string;
  registration?: boolean;
  requireVerifiedEmail?: boolean;
  passwordReset?: boolean;
  issuer?: string;
  userVerification?: string;
  passwordless?: boolean;
  name?: string;
  clientId?: string;
  clientSecret?: string;
  clientSecretStdin?: boolean;
  auth?: string;
  scope?: string[];
  createAccounts?: boolean;
  claim?: string[];
  trustUpstream?: boolean;
};

const fieldOptions = (cmd: Command) =>
  cmd
    .option('--registration', 'html-form: offer "Create account" on the login page')
    .option('--no-registration', 'html-form: no self-registration')
    .option('--require-verified-email', 'html-form: a first login waits for the email address to be verified')
    .option('--no-require-verified-email', 'html-form: no email verification before the first login')
    .option('--password-reset', 'html-form: offer "Forgot password?" (a reset link by email)')
    .option('--no-password-reset', 'html-form: no password reset by email')
    .option('--issuer <value>', "totp: the name authenticator apps show; oidc: the provider's issuer URL")
    .option('--user-verification <when>', 'passkey: required (default) or preferred')
    .option('--passwordless', 'passkey: a passkey alone signs people in')
    .option('--no-passwordless', 'passkey: only after a password')
    .option('--name <text>', 'oidc: the provider\'s name on the button ("Sign in with <name>")')
    .option('--client-id <id>', 'oidc: the client ID the provider gave you')
    .option('--client-secret-stdin', "oidc: read the provider's client secret from stdin (first line)")
    .option(
      '--client-secret <secret>',
      'oidc: the secret itself (kept in shell history: prefer --client-secret-stdin)',
    )
    .option('--auth <method>', 'oidc: client_secret_basic (default), client_secret_post or none')
    .option('--scope <scope>', 'oidc: a scope to ask for (repeat; openid is always added)', collect)
    .option('--create-accounts', 'oidc: a new person signing in gets an account')
    .option('--no-create-accounts', 'oidc: only accounts already linked to the provider sign in')
    .option(
      '--claim <local=upstream>',
      "oidc: fill a profile claim from the provider's claim (repeat)",
      collect,
    )
    .option('--trust-upstream', "oidc: pass the provider's acr and amr on to apps")
    .option('--no-trust-upstream', "oidc: do not pass the provider's acr and amr on");

/** `--claim name=displayName --claim email=mail`: the whole mapping, replacing the old one. */
function claimsOf(claims: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of claims) {
    const eq = pair.indexOf('=');
    if (eq <= 0 || eq === pair.length - 1)
      fail(`--claim ${pair}: write it as local=upstream, e.g. name=displayName`);
    out[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  return out;
}

/** The secret from stdin or a prompt (never echoed); a flag value works too, with a warning about history. */
async function secretOf(opts: Opts, needed: boolean): Promise<string | undefined> {
  if (opts.clientSecret !== undefined) {
    process.stderr.write(
      'warning: a secret on the command line stays in your shell history and shows in process lists; use --client-secret-stdin\n',
    );
    return opts.clientSecret;
  }
  if (!opts.clientSecretStdin && !(needed && process.stdin.isTTY)) return undefined;
  const { password, confirm } = await readPassword("The provider's client secret");
  if (confirm !== undefined && confirm !== password) fail('the two secrets typed differ');
  const secret = password.trim();
  if (secret === '') fail('no client secret was given');
  return secret;
}

async function fieldsOf(opts: Opts, creating: boolean): Promise<AuthenticatorPatch> {
  const secret =
    opts.type === 'oidc' || !creating ? await secretOf(opts, creating && opts.auth !== 'none') : undefined;
  const given = {
    registration: opts.registration,
    require_verified_email: opts.requireVerifiedEmail,
    password_reset: opts.passwordReset,
    issuer: opts.issuer,
    user_verification: opts.userVerification,
    passwordless: opts.passwordless,
    name: opts.name,
    client_id: opts.clientId,
    client_secret: secret,
    token_endpoint_auth_method: opts.auth,
    scopes: opts.scope,
    create_accounts: opts.createAccounts,
    claims: opts.claim === undefined ? undefined : claimsOf(opts.claim),
    trust_upstream_authentication: opts.trustUpstream,
  };
  return Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) as AuthenticatorPatch;
}

async function readAuthenticators(opts: EditOpts) {
  const { store, config } = await openLocal(opts);
  try {
    const snapshot = (await store.config.current())?.snapshot;
    return { authenticators: snapshot?.authenticators ?? [], base: config.server.base_url };
  } finally {
    await store.close();
  }
}

function summary(a: AuthenticatorConfig): string {
  switch (a.type) {
    case 'html-form':
      return `registration ${a.registration ? 'on' : 'off'}`;
    case 'totp':
      return `app label ${a.issuer}`;
    case 'passkey':
      return `user verification ${a.user_verification}, ${a.passwordless ? 'passwordless' : 'after a password'}`;
    case 'oidc':
      return `Sign in with ${a.name}\t${a.issuer}\t${a.token_endpoint_auth_method === 'none' ? 'no secret' : 'secret set'}`;
  }
}

async function printRedirect(opts: EditOpts, id: string) {
  const { base } = await readAuthenticators(opts);
  process.stdout.write(`redirect URI to register at the provider: ${upstreamRedirectUri(base, id)}\n`);
}

export function authenticatorCommand(): Command {
  const cmd = new Command('authenticator').description(
    'manage authenticators: username and password, app codes, passkeys, other providers (OpenID Connect)',
  );

  commonOptions(cmd.command('list'))
    .description('list authenticators: id, type and their main settings')
    .action(async (opts: EditOpts) => {
      for (const a of (await readAuthenticators(opts)).authenticators) {
        process.stdout.write(`${a.id}\t${a.type}\t${summary(a)}\n`);
      }
    });

  commonOptions(cmd.command('show <id>'))
    .description("show an authenticator (another provider's client secret only as whether one is set)")
    .action(async (id: string, opts: EditOpts) => {
      const { authenticators, base } = await readAuthenticators(opts);
      const found = authenticators.find((a) => a.id === id);
      if (!found) return fail(`no authenticator "${id}"`);
      const extra = found.type === 'oidc' ? { redirect_uri: upstreamRedirectUri(base, id) } : {};
      process.stdout.write(`${JSON.stringify({ ...authenticatorView(found), ...extra }, null, 2)}\n`);
    });

  fieldOptions(editOptions(cmd.command('create <id>')))
    .description(
      'create an authenticator, e.g. --type oidc --name Acme --issuer https://login.acme.example --client-id tessera --client-secret-stdin',
    )
    .requiredOption('--type <type>', `one of ${TYPES.join(', ')}`)
    .action(async (id: string, opts: Opts) => {
      if (!(TYPES as readonly string[]).includes(opts.type ?? ''))
        fail(`--type must be one of ${TYPES.join(', ')}`);
      const message = opts.message ?? `create authenticator ${id}`;
      const fields = await fieldsOf(opts, true);
      const { revision } = await cliEdit(opts, message, (service, who) =>
        service.createAuthenticator(who, { id, type: opts.type, ...fields } as AuthenticatorCreateInput),
      );
      committed(revision, message);
      if (opts.type === 'oidc') await printRedirect(opts, id);
    });

  fieldOptions(editOptions(cmd.command('update <id>')))
    .description(
      'change the settings given; an oidc secret left out stays, --client-secret-stdin replaces it',
    )
    .action(async (id: string, opts: Opts) => {
      const message = opts.message ?? `update authenticator ${id}`;
      const fields = await fieldsOf(opts, false);
      if (Object.keys(fields).length === 0) fail('nothing to change: name a setting to change');
      const { revision } = await cliEdit(opts, message, (service, who) =>
        service.updateAuthenticator(who, id, fields),
      );
      committed(revision, message);
    });

  editOptions(cmd.command('delete <id>'))
    .description('delete an authenticator (refused while a client or policy names it)')
    .action(async (id: string, opts: EditOpts) => {
      const message = opts.message ?? `delete authenticator ${id}`;
      const { revision } = await cliEdit(opts, message, (service, who) =>
        service.deleteAuthenticator(who, id),
      );
      committed(revision, message);
    });
  return cmd;
}
