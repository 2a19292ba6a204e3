// The options of `tessera client create|update` and the client fields they stand for.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { ClientCreateInput, ClientPatch } from '../admin/inputs.ts';
import { parseJwks } from '../admin/wizard-steps.ts';
import { fail } from './common.ts';
import type { EditOpts } from './edit.ts';

const collect = (value: string, previous: string[] = []) => [...previous, value];

export interface ClientOpts extends EditOpts {
  name?: string;
  capability?: string[];
  redirectUri?: string[];
  scope?: string[];
  api?: string[];
  auth?: string;
  jwks?: string;
  jwksUri?: string;
  authAlg?: string;
  par?: boolean;
  dpop?: boolean;
  requestObjectAlg?: string;
  profile?: string;
  idTokenAlg?: string;
  authenticator?: string;
  policy?: string[];
  accessTokenLifetime?: string;
  tokenExchange?: string | false;
}

/** What create and update share; `update` adds the --no-… forms, so that a flag left out stays as it is. */
export function clientOptions(cmd: Command, update: boolean): Command {
  const repeat = update ? ', replacing the old list' : '';
  cmd
    .option('--name <text>', 'display name (consent page)')
    .option(
      '--capability <capability>',
      `code, client_credentials, device_code or token_exchange (repeat for several${repeat})`,
      collect,
    )
    .option('--redirect-uri <uri>', `registered redirect URI, needed with code (repeat${repeat})`, collect)
    .option('--scope <scope>', `allowed scope (repeat${repeat})`, collect)
    .option('--api <identifier>', `API the client may get tokens for (repeat${repeat})`, collect)
    .option(
      '--auth <method>',
      'client_secret_basic (default), client_secret_post, client_secret_jwt, private_key_jwt or none',
    )
    .option('--jwks <file-or-json>', "private_key_jwt: the client's public keys, a JWK Set (file or JSON)")
    .option('--jwks-uri <url>', 'private_key_jwt: where the client publishes its public keys')
    .option('--auth-alg <alg>', 'the one algorithm its client assertions must use')
    .option('--par', 'require pushed authorization requests (RFC 9126)')
    .option('--dpop', 'require DPoP-bound access tokens (RFC 9449)')
    .option('--request-object-alg <alg>', 'the one algorithm its request objects must use')
    .option('--profile <profile>', 'security profile: fapi2 (FAPI 2.0)')
    .option('--id-token-alg <alg>', 'ID token signing algorithm (RS256, PS256, ES256, EdDSA)')
    .option('--authenticator <id>', 'user authenticator')
    .option(
      '--policy <id>',
      `authentication policy: the first is the default, later ones step-up levels (repeat${repeat})`,
      collect,
    )
    .option('--access-token-lifetime <seconds>', 'access token lifetime')
    .option(
      '--token-exchange <file-or-json>',
      'RFC 8693 policy (JSON or a file): subject_token_types, audiences, impersonation, delegation, ...',
    );
  if (update) {
    cmd
      .option('--no-par', 'stop requiring pushed authorization requests')
      .option('--no-dpop', 'stop requiring DPoP-bound access tokens')
      .option('--no-profile', 'no security profile')
      .option('--no-token-exchange', 'remove the token-exchange policy (drop the capability too)');
  }
  return cmd;
}

/** A token-exchange policy as JSON, inline or in a file; the service checks its fields. */
function readPolicy(value: string | undefined): unknown {
  if (value === undefined) return undefined;
  const text = value.trimStart().startsWith('{') ? value : readFileSync(value, 'utf8');
  try {
    return JSON.parse(text);
  } catch {
    return fail('--token-exchange: not a JSON object');
  }
}

function readJwks(value: string) {
  const text = value.trimStart().startsWith('{') ? value : readFileSync(value, 'utf8');
  const { jwks, issues } = parseJwks(text);
  if (!jwks || issues.length > 0) return fail(issues.map((i) => `${i.path}: ${i.message}`).join('\n'));
  return jwks;
}

/** The fields the options name; only what was given, so an update changes nothing else (the service checks them). */
export function clientFields<T extends Omit<ClientCreateInput, 'client_id'> | ClientPatch>(
  opts: ClientOpts,
): T {
  const out: Record<string, unknown> = {};
  const set = (key: string, value: unknown) => {
    if (value !== undefined) out[key] = value;
  };
  set('name', opts.name);
  set('capabilities', opts.capability);
  set('redirect_uris', opts.redirectUri);
  set('scopes', opts.scope);
  set('apis', opts.api);
  set('token_endpoint_auth_method', opts.auth);
  set('jwks', opts.jwks === undefined ? undefined : readJwks(opts.jwks));
  set('jwks_uri', opts.jwksUri);
  set('token_endpoint_auth_signing_alg', opts.authAlg);
  set('require_pushed_authorization_requests', opts.par);
  set('dpop_bound_access_tokens', opts.dpop);
  set('request_object_signing_alg', opts.requestObjectAlg);
  // --no-profile: commander gives false; the patch unsets it with null.
  set('profile', (opts.profile as unknown) === false ? null : opts.profile);
  set('id_token_signed_response_alg', opts.idTokenAlg);
  set('authenticator', opts.authenticator);
  set('authentication_policies', opts.policy);
  set('token_exchange', opts.tokenExchange === false ? null : readPolicy(opts.tokenExchange));
  set(
    'access_token_lifetime',
    opts.accessTokenLifetime === undefined ? undefined : Number(opts.accessTokenLifetime),
  );
  return out as T;
}
