// The RFC 8693 rules an exchange obeys: the target it is for, a scope no wider than the subject's, who acts.
import type { Client, LiveConfig } from '../../config/live.ts';
import { OAuthError } from '../errors.ts';
import type { Audience } from '../tokens/response.ts';
import type { Claims, Presented } from './presented.ts';

const invalidTarget = (description: string) => new OAuthError('invalid_target', description);

/**
 * §2.1: resource (RFC 8707) and audience both name where the token will be used; here both name a
 * configured API by its identifier. Each must be one the policy allows (§2.2.2 invalid_target).
 */
export function exchangeAudience(
  client: Client,
  config: LiveConfig,
  resources: readonly string[],
  audiences: readonly string[],
): Audience | OAuthError {
  const allowed = client.tokenExchange?.audiences ?? [];
  const named = [...new Set([...resources, ...audiences])];
  if (named.length === 0) {
    // A token exchanged for nowhere in particular would be usable everywhere: name the one allowed, or ask.
    if (allowed.length !== 1)
      return new OAuthError('invalid_request', 'name the API the token is for with resource or audience');
    named.push(allowed[0]!);
  }
  const apis = [];
  for (const target of named) {
    const api = config.apis.get(target);
    if (!api) return invalidTarget(`"${target}" is not an API this server issues tokens for`);
    if (!allowed.includes(target))
      return invalidTarget(`this client may not exchange tokens for "${target}"`);
    apis.push(api);
  }
  const first = apis[0]!;
  if (apis.some((api) => api.accessTokenFormat !== first.accessTokenFormat))
    return invalidTarget('these APIs take different token formats: exchange for each one separately');
  return {
    identifiers: apis.map((api) => api.identifier),
    format: first.accessTokenFormat,
    lifetime: Math.min(...apis.map((api) => api.accessTokenLifetime)),
  };
}

/**
 * The scope of the exchanged token: what was asked for (or all the subject has), never more than the
 * subject token carries, and only what the target APIs accept. A subject without a scope (an ID token, a
 * JWT without one) is an identity alone: the ceiling is then the client's own registered scopes.
 */
export function exchangeScope(
  client: Client,
  config: LiveConfig,
  subject: Presented,
  requested: readonly string[],
  audience: Audience,
): string[] | OAuthError {
  const ceiling = subject.scope ?? [...client.scopes];
  const wider = requested.filter((s) => !ceiling.includes(s));
  if (wider.length > 0)
    return new OAuthError(
      'invalid_scope',
      `scope is wider than the subject token allows: ${wider.join(' ')}`,
    );
  const accepted = new Set(audience.identifiers.flatMap((id) => [...(config.apis.get(id)?.scopes ?? [])]));
  const scope = (requested.length > 0 ? requested : ceiling).filter((s) => accepted.has(s));
  if (requested.length > 0 && scope.length < requested.length) {
    const lost = requested.filter((s) => !scope.includes(s));
    return new OAuthError('invalid_scope', `the API does not accept scope: ${lost.join(' ')}`);
  }
  return scope;
}

/** Whether the party `who` matches every claim may_act states about it (§4.4: sub, iss, client_id). */
function matches(mayAct: Claims, who: Claims): boolean {
  const keys = Object.keys(mayAct).filter((k) => typeof mayAct[k] === 'string');
  return keys.length > 0 && keys.every((k) => who[k] === mayAct[k]);
}

/**
 * §4.1, §4.4: the act claim of the exchanged token, or null for impersonation. With an actor, act names it
 * and nests whatever act the subject token had; without one the subject's act stays as it was, so an
 * exchange never hides who acted before. may_act in the subject token must name the actor (or, for
 * impersonation, the client).
 */
export function actClaim(
  client: Client,
  subject: Presented,
  actor: Presented | null,
  issuer: string,
): Claims | null | OAuthError {
  const who: Claims = actor
    ? {
        ...actor.party,
        ...(actor.party.iss === undefined ? { iss: issuer } : {}),
        ...(actor.clientId ? { client_id: actor.clientId } : {}),
      }
    : { sub: client.client_id, client_id: client.client_id, iss: issuer };
  if (subject.mayAct && !matches(subject.mayAct, who)) {
    return new OAuthError(
      'invalid_request',
      "the subject token's may_act does not name this actor (RFC 8693 §4.4)",
    );
  }
  if (!actor) return subject.act;
  return { ...actor.party, ...(subject.act ? { act: subject.act } : {}) };
}
