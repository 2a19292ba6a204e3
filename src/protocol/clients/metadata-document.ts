// Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document): an https client_id fetched as its metadata.
import type { ClientSource } from '../../config/clients.ts';
import { type Client, compileClient, type LiveConfig } from '../../config/live.ts';
import { clientSchema } from '../../config/schema.ts';
import type { ClientIdMetadataPolicy } from '../../config/schema-cimd.ts';
import { registrationSchema } from '../../config/schema-registration.ts';
import { type FetchedJson, fetchJson, OutboundError, type OutboundSettings } from '../../keys/outbound.ts';
import type { Clock } from '../../shared/clock.ts';
import { OAuthError } from '../errors.ts';
import { checkMetadata } from '../registration/metadata.ts';
import { clientIdUrlProblem, hostMatches } from './metadata-url.ts';

export interface MetadataDocumentOptions {
  policy: ClientIdMetadataPolicy;
  outbound: OutboundSettings;
  config(): LiveConfig;
  clock: Clock;
  /** The guarded fetch (keys/outbound.ts); replaced in unit tests. */
  fetch?: (url: string, settings: OutboundSettings) => Promise<FetchedJson>;
}

/** §4.1: methods built on a shared secret cannot be used, as the document is public. */
const AUTH_METHODS = ['none', 'private_key_jwt'] as const;
const SECRET_FIELDS = ['client_secret', 'client_secret_expires_at'];
/** Fetches running at once on one node: a flood of made-up client_ids cannot hold more sockets than this. */
export const MAX_FETCHES_IN_FLIGHT = 32;

const refused = (why: string, detail?: string) =>
  new OAuthError('invalid_request', `the client_id metadata document cannot be used: ${why}`, {
    ...(detail === undefined ? {} : { detail }),
  });

/** The source the client resolver asks for every client_id that is an https URL, while the feature is on. */
export function metadataDocumentSource(options: MetadataDocumentOptions): ClientSource {
  const { policy, clock } = options;
  const fetch = options.fetch ?? fetchJson;
  const outbound = { ...options.outbound, maxBytes: policy.max_bytes };
  // checkMetadata's rules for redirect URIs, grants and keys, held to what a public document may claim.
  const rules = registrationSchema.parse({
    enabled: true,
    scopes: policy.scopes,
    apis: policy.apis,
    grant_types: ['authorization_code', 'refresh_token'],
    token_endpoint_auth_methods: [...AUTH_METHODS],
  });
  // Per node, in memory: a document another node fetched is fetched again here (docs/mcp.md says so).
  const cache = new Map<string, { client: Client; until: number }>();
  const inFlight = new Map<string, Promise<Client>>();

  const lifetime = (fetched: FetchedJson) => {
    const named = fetched.maxAge ?? fetched.expiresIn ?? policy.cache_default_seconds;
    return Math.min(policy.cache_max_seconds, Math.max(policy.cache_min_seconds, named));
  };

  function compile(clientId: string, body: unknown): Client {
    if (body === null || typeof body !== 'object' || Array.isArray(body))
      throw refused('it is not a JSON object');
    const doc = body as Record<string, unknown>;
    // §4.1: the document names the very URL it was fetched from, compared as strings.
    if (doc['client_id'] !== clientId) throw refused('its client_id is not the URL it was fetched from');
    if (SECRET_FIELDS.some((f) => f in doc)) throw refused('it must not contain a client_secret');
    const input: Record<string, unknown> = {
      ...doc,
      token_endpoint_auth_method: doc['token_endpoint_auth_method'] ?? 'none',
    };
    if (doc['scope'] !== undefined) {
      // A document asking for more than this server gives such clients gets the scopes in both lists.
      const asked = typeof doc['scope'] === 'string' ? doc['scope'].split(' ') : [];
      input['scope'] = asked.filter((s) => policy.scopes.includes(s)).join(' ');
    }
    const checked = checkMetadata(input, rules, new Set(options.config().scopes.keys()));
    if (checked instanceof OAuthError) throw refused(checked.description);
    const parsed = clientSchema.safeParse({ ...checked.config, client_id: clientId });
    if (!parsed.success) throw refused('its metadata does not describe a client this server accepts');
    return compileClient(parsed.data, () => {
      throw new Error('a metadata document client has no secret');
    });
  }

  async function load(clientId: string): Promise<Client> {
    let fetched: FetchedJson;
    try {
      fetched = await fetch(clientId, outbound);
    } catch (error) {
      if (error instanceof OutboundError) throw refused(`fetching it failed: ${error.message}`);
      throw error;
    }
    const client = compile(clientId, fetched.body);
    const now = clock.nowSeconds();
    cache.delete(clientId);
    while (cache.size >= policy.cache_entries) cache.delete(cache.keys().next().value as string);
    cache.set(clientId, { client, until: now + lifetime(fetched) });
    return client;
  }

  return {
    claims: (clientId) => clientId.startsWith('https://'),
    async find(clientId) {
      const problem = clientIdUrlProblem(clientId);
      if (problem) throw refused(problem);
      const host = new URL(clientId).hostname;
      if (policy.deny_hosts.some((p) => hostMatches(host, p)))
        throw refused('its host is not accepted by this server');
      if (policy.allow_hosts.length > 0 && !policy.allow_hosts.some((p) => hostMatches(host, p)))
        throw refused('its host is not accepted by this server');
      const hit = cache.get(clientId);
      if (hit && hit.until > clock.nowSeconds()) return hit.client;
      // Concurrent requests for one client share one fetch.
      let pending = inFlight.get(clientId);
      if (!pending) {
        if (inFlight.size >= MAX_FETCHES_IN_FLIGHT)
          throw new OAuthError(
            'temporarily_unavailable',
            'too many client metadata documents are being fetched; try again',
          );
        pending = load(clientId).finally(() => inFlight.delete(clientId));
        inFlight.set(clientId, pending);
      }
      return pending;
    },
  };
}
