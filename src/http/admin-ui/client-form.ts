// Turns one submitted section of the client page into an admin operation: a patch, a new secret, or a delete.
import type { ClientPatch } from '../../admin/inputs.ts';
import { parseJwks } from '../../admin/wizard-steps.ts';
import type { ClientConfig } from '../../config/schema.ts';
import type { ConfigIssue } from '../../config/validate.ts';
import { exchangePatch } from './client-exchange.ts';
import { checked, type Form, field, fields, numberField } from './forms.ts';

export type ClientFormAction =
  | { kind: 'patch'; patch: ClientPatch }
  | { kind: 'secret'; secret?: string }
  | { kind: 'delete' }
  | { kind: 'refused'; issues: ConfigIssue[] };

const refused = (path: string, message: string): ClientFormAction => ({
  kind: 'refused',
  issues: [{ path, message }],
});

export const SECTIONS = [
  'settings',
  'capabilities',
  'redirect_add',
  'redirect_remove',
  'authentication',
  'secret',
  'authenticator',
  'scopes',
  'apis',
  'security',
  'token_exchange',
  'tokens',
  'delete',
] as const;
export type ClientSection = (typeof SECTIONS)[number];

export function clientFormAction(section: ClientSection, form: Form, client: ClientConfig): ClientFormAction {
  switch (section) {
    case 'settings':
      return { kind: 'patch', patch: { name: field(form, 'name').trim() } };
    case 'capabilities':
      return {
        kind: 'patch',
        patch: { capabilities: fields(form, 'capabilities') as ClientPatch['capabilities'] },
      };
    case 'redirect_add': {
      const uri = field(form, 'redirect_uri').trim();
      if (client.redirect_uris.includes(uri))
        return refused('redirect_uris', `"${uri}" is registered already`);
      return { kind: 'patch', patch: { redirect_uris: [...client.redirect_uris, uri] } };
    }
    case 'redirect_remove': {
      const uri = field(form, 'redirect_uri');
      return { kind: 'patch', patch: { redirect_uris: client.redirect_uris.filter((u) => u !== uri) } };
    }
    case 'authentication':
      return authentication(form);
    case 'secret': {
      const secret = field(form, 'secret');
      return field(form, 'mode') === 'enter' ? { kind: 'secret', secret } : { kind: 'secret' };
    }
    case 'authenticator': {
      // The default policy first, then the other levels checked; none: the authenticator alone.
      const chosen = fields(form, 'policies');
      const first = field(form, 'default_policy');
      const policies = first === '' ? chosen : [first, ...chosen.filter((p) => p !== first)];
      return {
        kind: 'patch',
        patch: {
          authenticator: field(form, 'authenticator'),
          authentication_policies: policies.length > 0 ? policies : null,
        },
      };
    }
    case 'scopes':
      return { kind: 'patch', patch: { scopes: fields(form, 'scopes') } };
    case 'apis':
      return { kind: 'patch', patch: { apis: fields(form, 'apis') } };
    case 'security':
      return security(form);
    case 'token_exchange':
      return { kind: 'patch', patch: exchangePatch(form, client) };
    case 'tokens': {
      const patch: ClientPatch = {
        refresh_token: { enabled: checked(form, 'refresh_enabled') },
        id_token_signed_response_alg: field(
          form,
          'id_token_alg',
        ) as ClientPatch['id_token_signed_response_alg'],
      };
      const lifetime = numberField(form, 'refresh_lifetime');
      if (lifetime !== undefined) patch.refresh_token = { ...patch.refresh_token, lifetime };
      const access = numberField(form, 'access_token_lifetime');
      if (access !== undefined) patch.access_token_lifetime = access;
      const idToken = numberField(form, 'id_token_lifetime');
      if (idToken !== undefined) patch.id_token_lifetime = idToken;
      return { kind: 'patch', patch };
    }
    case 'delete':
      return { kind: 'delete' };
  }
}

const JWT_METHODS = new Set(['private_key_jwt', 'client_secret_jwt']);

/** The method, its keys (private_key_jwt: pasted or by URL, one of the two) and the assertion algorithm. */
function authentication(form: Form): ClientFormAction {
  const method = field(form, 'token_endpoint_auth_method') as NonNullable<
    ClientPatch['token_endpoint_auth_method']
  >;
  const alg = field(form, 'auth_alg');
  const patch: ClientPatch = {
    token_endpoint_auth_method: method,
    token_endpoint_auth_signing_alg:
      alg === '' || !JWT_METHODS.has(method) ? null : (alg as ClientPatch['token_endpoint_auth_signing_alg']),
  };
  if (method !== 'private_key_jwt') return { kind: 'patch', patch };
  const text = field(form, 'jwks').trim();
  const uri = field(form, 'jwks_uri').trim();
  if (text === '' && uri === '') {
    return refused(
      'jwks',
      "Paste the client's public keys (a JWK Set), or give the URL it publishes them at.",
    );
  }
  if (text !== '' && uri !== '') {
    return refused('jwks', 'Give the keys one way: clear the JWKS box to use the URL, or clear the URL.');
  }
  if (uri !== '') return { kind: 'patch', patch: { ...patch, jwks_uri: uri, jwks: null } };
  const { jwks, issues } = parseJwks(text);
  if (issues.length > 0 || !jwks) return { kind: 'refused', issues };
  return { kind: 'patch', patch: { ...patch, jwks, jwks_uri: null } };
}

/**
 * A box changes only what the person changed: ticked is on; unticked where the page showed it ticked
 * (`<name>_shown`) is an explicit off, which FAPI 2.0 refuses, naming its rule; left unticked, the
 * stored value stays (unset means off, or on under FAPI 2.0, which turns it on by itself).
 */
function flag(form: Form, name: string): boolean | undefined {
  if (checked(form, name)) return true;
  return field(form, `${name}_shown`) === 'on' ? false : undefined;
}

function security(form: Form): ClientFormAction {
  const fapi2 = field(form, 'profile') === 'fapi2';
  const alg = field(form, 'request_alg');
  const patch: ClientPatch = {
    profile: fapi2 ? 'fapi2' : null,
    request_object_signing_alg: alg === '' ? null : (alg as ClientPatch['request_object_signing_alg']),
  };
  const par = flag(form, 'par');
  if (par !== undefined) patch.require_pushed_authorization_requests = par;
  const dpop = flag(form, 'dpop');
  if (dpop !== undefined) patch.dpop_bound_access_tokens = dpop;
  return { kind: 'patch', patch };
}

/** What a refused section showed when it was sent, so the page keeps the person's choices. */
export function submittedView(
  section: ClientSection,
  form: Form,
  client?: ClientConfig,
): { client: Record<string, unknown>; jwksText?: string } {
  const alg = (name: string) => (field(form, name) === '' ? undefined : field(form, name));
  if (section === 'security') {
    // A box left as it was shown keeps the stored value, so the page shows what would be in force.
    const par = flag(form, 'par');
    const dpop = flag(form, 'dpop');
    return {
      client: {
        profile: field(form, 'profile') === 'fapi2' ? 'fapi2' : undefined,
        ...(par === undefined ? {} : { require_pushed_authorization_requests: par }),
        ...(dpop === undefined ? {} : { dpop_bound_access_tokens: dpop }),
        request_object_signing_alg: alg('request_alg'),
      },
    };
  }
  if (section === 'authentication') {
    return {
      client: {
        token_endpoint_auth_method: field(form, 'token_endpoint_auth_method'),
        jwks_uri: field(form, 'jwks_uri'),
        token_endpoint_auth_signing_alg: alg('auth_alg'),
      },
      jwksText: field(form, 'jwks'),
    };
  }
  if (section === 'token_exchange' && client) {
    const patch = exchangePatch(form, client);
    return {
      client: { capabilities: patch.capabilities, token_exchange: patch.token_exchange ?? undefined },
    };
  }
  return { client: {} };
}
