// RFC 8707 resource indicators: which API an access token is for, and which scopes it may carry there.
import type { Api, Client, LiveConfig } from '../../config/live.ts';
import { OAuthError } from '../errors.ts';
import { multiValues, type RawParams } from '../params/parse.ts';
import type { Audience } from './response.ts';

const invalidTarget = (description: string) => new OAuthError('invalid_target', description);

/** §2: each resource is an absolute URI without a fragment. */
export function checkResources(resources: readonly string[]): OAuthError | undefined {
  for (const resource of resources) {
    let url: URL | undefined;
    try {
      url = new URL(resource);
    } catch {
      url = undefined;
    }
    if (!url || resource.includes('#')) {
      return invalidTarget('resource must be an absolute URI without a fragment (RFC 8707 §2)');
    }
  }
  return undefined;
}

/** Every `resource` value sent (§2: it may repeat), checked. */
export function readResources(raw: RawParams): string[] | OAuthError {
  const resources = multiValues(raw, 'resource');
  return checkResources(resources) ?? resources;
}

/** The configured APIs behind `resources`, each one the client may use; invalid_target names the first that is not. */
export function allowedApis(
  client: Client,
  config: LiveConfig,
  resources: readonly string[],
): Api[] | OAuthError {
  const apis: Api[] = [];
  for (const resource of resources) {
    const api = config.apis.get(resource);
    if (!api) return invalidTarget(`"${resource}" is not an API this server issues tokens for`);
    if (!client.apis.has(resource))
      return invalidTarget(`this client may not request tokens for "${resource}"`);
    apis.push(api);
  }
  return apis;
}

/**
 * The audience of one access token for `resources` at the token endpoint (§2.2): each must be allowed
 * and, when the grant named resources, be among them. No resource named: the grant's own, if any.
 */
export function tokenAudience(
  client: Client,
  config: LiveConfig,
  requested: readonly string[],
  granted: readonly string[] | null,
): Audience | null | OAuthError {
  const notGranted = granted === null ? [] : requested.filter((r) => !granted.includes(r));
  if (notGranted.length > 0) {
    return invalidTarget(`resource was not part of the authorization: ${notGranted.join(' ')}`);
  }
  const resources = requested.length > 0 ? requested : (granted ?? []);
  if (resources.length === 0) return null;
  const apis = allowedApis(client, config, resources);
  if (apis instanceof OAuthError) return apis;
  const first = apis[0]!;
  // One access token, one format: APIs that disagree on it must be asked for one at a time.
  if (apis.some((api) => api.accessTokenFormat !== first.accessTokenFormat)) {
    return invalidTarget('these APIs take different token formats: request a token for each one separately');
  }
  return {
    identifiers: apis.map((api) => api.identifier),
    format: first.accessTokenFormat,
    lifetime: Math.min(...apis.map((api) => api.accessTokenLifetime)),
  };
}

/** The scopes an access token for `audience` carries: those of `scope` that one of its APIs accepts. */
export function audienceScope(
  config: LiveConfig,
  audience: Audience | null,
  scope: readonly string[],
): string[] {
  if (audience === null) return [...scope];
  const accepted = new Set(audience.identifiers.flatMap((id) => [...(config.apis.get(id)?.scopes ?? [])]));
  return scope.filter((s) => accepted.has(s));
}

/**
 * What one token request's access token is for: its audience, the narrower scope it carries there, and
 * the resources the grant keeps for later refreshes. `granted`: the resources the grant named, or null.
 */
export function accessTarget(
  client: Client,
  config: LiveConfig,
  requested: readonly string[],
  granted: readonly string[] | null,
  scope: string,
): { audience: Audience | null; accessScope: string; resources: string | null } | OAuthError {
  const audience = tokenAudience(client, config, requested, granted);
  if (audience instanceof OAuthError) return audience;
  const scopes = scope === '' ? [] : scope.split(' ');
  return {
    audience,
    accessScope: audienceScope(config, audience, scopes).join(' '),
    resources: granted === null || granted.length === 0 ? null : granted.join(' '),
  };
}

/** A stored space-separated resource list, or null when the grant named none. */
export const grantedResources = (stored: string | null): string[] | null =>
  stored === null || stored === '' ? null : stored.split(' ');
