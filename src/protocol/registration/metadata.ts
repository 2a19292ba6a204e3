// RFC 7591 §2 client metadata: checked against the registration policy and compiled to the client schema's input.

import { clientSchema } from '../../config/schema.ts';
import type { RegistrationPolicy } from '../../config/schema-registration.ts';
import { CLIENT_ASSERTION_ALGS, SIGNING_ALGS } from '../../shared/algorithms.ts';
import { OAuthError } from '../errors.ts';
import { redirectUriProblem, redirectUrisProblem } from './redirect-uris.ts';

/** Metadata as registered: only the fields this server understands (RFC 7591 §2: others are ignored). */
export type ClientMetadata = Record<string, unknown>;

export interface CheckedMetadata {
  metadata: ClientMetadata;
  /** The client schema's input, without client_id or secret (the endpoint adds those). */
  config: Record<string, unknown>;
  /** A confidential method: the client gets a generated secret. */
  confidential: boolean;
}

const TEXT_FIELDS = ['client_name', 'software_id', 'software_version'] as const;
const URI_FIELDS = ['client_uri', 'logo_uri', 'tos_uri', 'policy_uri'] as const;
const SECRET_METHODS = new Set(['client_secret_basic', 'client_secret_post']);

const bad = (field: string, why: string) => new OAuthError('invalid_client_metadata', `${field}: ${why}`);
const badUri = (why: string) => new OAuthError('invalid_redirect_uri', `redirect_uris: ${why}`);

const isHttpsUrl = (v: unknown) => {
  try {
    return typeof v === 'string' && new URL(v).protocol === 'https:';
  } catch {
    return false;
  }
};

function stringList(value: unknown, field: string): string[] | OAuthError {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v === '' || v.length > 200))
    return bad(field, 'must be an array of strings');
  if (value.length > 20) return bad(field, 'has too many entries');
  return value as string[];
}

/**
 * The metadata of a registration (§3.1) or of a management update (RFC 7592 §2.2), checked against the policy.
 * `knownScopes` are those the server defines; a scope outside them or the policy is refused, not dropped.
 */
export function checkMetadata(
  body: unknown,
  policy: RegistrationPolicy,
  knownScopes: ReadonlySet<string>,
): CheckedMetadata | OAuthError {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    return new OAuthError(
      'invalid_client_metadata',
      'the request body must be a JSON object of client metadata',
    );
  const input = body as Record<string, unknown>;
  const metadata: ClientMetadata = {};

  // §2: the defaults when omitted.
  const grants =
    input['grant_types'] === undefined
      ? ['authorization_code']
      : stringList(input['grant_types'], 'grant_types');
  if (grants instanceof OAuthError) return grants;
  for (const g of grants) {
    if (!(policy.grant_types as readonly string[]).includes(g))
      return bad(
        'grant_types',
        `${g.replace(/[^\x20-\x7e]/g, '?')} is not a grant type registered clients may use`,
      );
  }
  const responseTypes =
    input['response_types'] === undefined
      ? grants.includes('authorization_code')
        ? ['code']
        : []
      : stringList(input['response_types'], 'response_types');
  if (responseTypes instanceof OAuthError) return responseTypes;
  if (responseTypes.some((r) => r !== 'code')) return bad('response_types', 'only code is supported');
  // §2.1: grant_types and response_types must agree.
  if (grants.includes('authorization_code') !== responseTypes.includes('code'))
    return bad('response_types', 'code goes with the authorization_code grant type, and only with it');
  if (grants.includes('refresh_token') && !grants.includes('authorization_code'))
    return bad('grant_types', 'refresh_token is only issued with authorization_code');

  const method = input['token_endpoint_auth_method'] ?? 'client_secret_basic';
  if (
    typeof method !== 'string' ||
    !(policy.token_endpoint_auth_methods as readonly string[]).includes(method)
  )
    return bad('token_endpoint_auth_method', 'is not a method registered clients may use');
  if (method === 'none' && grants.includes('client_credentials'))
    return bad(
      'token_endpoint_auth_method',
      'client_credentials needs a confidential client (RFC 6749 §4.4)',
    );

  const code = grants.includes('authorization_code');
  const uriProblem = redirectUrisProblem(input['redirect_uris'], policy, code);
  if (uriProblem) return badUri(uriProblem);
  const redirectUris = (input['redirect_uris'] as string[] | undefined) ?? [];
  const logout = input['post_logout_redirect_uris'];
  if (logout !== undefined) {
    if (!Array.isArray(logout)) return bad('post_logout_redirect_uris', 'must be an array of URIs');
    for (const uri of logout) {
      const problem = redirectUriProblem(uri, policy);
      if (problem) return bad('post_logout_redirect_uris', problem);
    }
    metadata['post_logout_redirect_uris'] = logout;
  }

  let scopes = policy.scopes.filter((s) => knownScopes.has(s));
  if (input['scope'] !== undefined) {
    if (typeof input['scope'] !== 'string') return bad('scope', 'must be a space-separated string');
    const asked = input['scope'].split(' ').filter((s) => s !== '');
    const refused = asked.find((s) => !scopes.includes(s));
    if (refused !== undefined)
      return bad('scope', `${refused.replace(/[^\x20-\x7e]/g, '?')} may not be registered`);
    scopes = asked;
  }

  for (const field of TEXT_FIELDS) {
    const v = input[field];
    if (v === undefined) continue;
    if (typeof v !== 'string' || v.length > 200)
      return bad(field, 'must be a string of at most 200 characters');
    metadata[field] = v;
  }
  for (const field of URI_FIELDS) {
    const v = input[field];
    if (v === undefined) continue;
    if (!isHttpsUrl(v) || (v as string).length > 2_000) return bad(field, 'must be an https URL');
    metadata[field] = v;
  }
  if (input['contacts'] !== undefined) {
    const contacts = stringList(input['contacts'], 'contacts');
    if (contacts instanceof OAuthError) return contacts;
    metadata['contacts'] = contacts;
  }

  const config: Record<string, unknown> = {
    capabilities: [
      ...(code ? ['code'] : []),
      ...(grants.includes('client_credentials') ? ['client_credentials'] : []),
    ],
    redirect_uris: redirectUris,
    token_endpoint_auth_method: method,
    scopes,
    apis: policy.apis,
    // A client nobody reviewed asks the user before it gets anything (RFC 6819 §5.2.3.2).
    consent_required: true,
    refresh_token: { enabled: grants.includes('refresh_token') },
    ...(metadata['client_name'] === undefined ? {} : { name: metadata['client_name'] }),
    ...(logout === undefined ? {} : { post_logout_redirect_uris: logout }),
  };
  if (method === 'private_key_jwt') {
    if ((input['jwks'] === undefined) === (input['jwks_uri'] === undefined))
      return bad('jwks', 'private_key_jwt needs jwks or jwks_uri, exactly one (RFC 7591 §2)');
    if (input['jwks_uri'] !== undefined) config['jwks_uri'] = input['jwks_uri'];
    if (input['jwks'] !== undefined) config['jwks'] = input['jwks'];
  } else if (input['jwks'] !== undefined || input['jwks_uri'] !== undefined) {
    return bad('jwks', 'client keys are only used with private_key_jwt');
  }
  const algs: [string, readonly string[], string][] = [
    ['token_endpoint_auth_signing_alg', CLIENT_ASSERTION_ALGS, 'token_endpoint_auth_signing_alg'],
    ['id_token_signed_response_alg', SIGNING_ALGS, 'id_token_signed_response_alg'],
    ['userinfo_signed_response_alg', SIGNING_ALGS, 'userinfo_signed_response_alg'],
  ];
  for (const [field, allowed, key] of algs) {
    const v = input[field];
    if (v === undefined) continue;
    if (typeof v !== 'string' || !allowed.includes(v))
      return bad(field, 'is not an algorithm this server supports');
    config[key] = v;
  }
  if (input['dpop_bound_access_tokens'] !== undefined) {
    if (typeof input['dpop_bound_access_tokens'] !== 'boolean')
      return bad('dpop_bound_access_tokens', 'must be a boolean');
    config['dpop_bound_access_tokens'] = input['dpop_bound_access_tokens'];
  }

  // Every rule a committed client is held to applies here too: the client schema has the last word.
  const confidential = SECRET_METHODS.has(method);
  const probe = clientSchema.safeParse({
    ...config,
    client_id: 'probe',
    ...(confidential ? { secret_hash: 'probe' } : {}),
  });
  if (!probe.success) {
    const issue = probe.error.issues[0]!;
    const field = issue.path[0] === 'redirect_uris' ? 'redirect_uris' : String(issue.path[0] ?? 'metadata');
    const message = issue.message.replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/g, "'");
    return field === 'redirect_uris' ? badUri(message) : bad(field, message);
  }

  Object.assign(metadata, {
    redirect_uris: redirectUris,
    grant_types: grants,
    response_types: responseTypes,
    token_endpoint_auth_method: method,
    scope: scopes.join(' '),
  });
  for (const field of [
    'jwks',
    'jwks_uri',
    'token_endpoint_auth_signing_alg',
    'id_token_signed_response_alg',
    'userinfo_signed_response_alg',
    'dpop_bound_access_tokens',
  ]) {
    if (input[field] !== undefined) metadata[field] = input[field];
  }
  return { metadata, config, confidential };
}
