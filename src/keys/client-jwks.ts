// A client's public keys for verifying what it signs: its jwks by value, or its jwks_uri fetched behind the guard.
import { createLocalJWKSet, type JSONWebKeySet, type KeyInput } from 'jose';
import type { Clock } from '../shared/clock.ts';
import { fetchJson, OutboundError, type OutboundSettings } from './outbound.ts';

/** What a client's config says about its keys (config/live.ts Client has these fields). */
export interface KeySource {
  readonly client_id: string;
  readonly jwks: { readonly keys: readonly Readonly<Record<string, unknown>>[] } | null;
  readonly jwksUri: string | null;
}

/** The JWS header fields that pick a key. */
export interface KeyHint {
  alg?: string;
  kid?: string;
}

export interface ClientKeys {
  /** The key for this header, or a client-safe reason why there is none. */
  keyFor(client: KeySource, header: KeyHint): Promise<KeyInput | string>;
}

export interface ClientKeysOptions {
  outbound: OutboundSettings;
  clock: Clock;
}

/** Cache-Control max-age is honoured within these bounds (seconds); without one, keys are kept 5 minutes. */
export const JWKS_MIN_AGE = 60;
export const JWKS_MAX_AGE = 86_400;
export const JWKS_DEFAULT_AGE = 300;
/** An unknown kid (or a failed fetch) refetches a client's jwks_uri at most this often (seconds). */
export const JWKS_REFETCH_INTERVAL = 60;
const MAX_KEYS = 100;

type LocalSet = ReturnType<typeof createLocalJWKSet>;

/** A JWK Set of public keys (RFC 7517 §5), or why it is not one. */
function toKeySet(value: unknown): LocalSet | string {
  const keys = (value as { keys?: unknown } | null)?.keys;
  if (typeof value !== 'object' || !Array.isArray(keys) || keys.length === 0) {
    return 'it is not a JWK Set with at least one key (RFC 7517 section 5)';
  }
  if (keys.length > MAX_KEYS) return `it holds more than ${MAX_KEYS} keys`;
  for (const key of keys) {
    if (typeof key !== 'object' || key === null || typeof (key as { kty?: unknown }).kty !== 'string') {
      return 'each of its keys must be a JWK object with a kty';
    }
    // A published private or symmetric key is a leaked one: refuse rather than use it.
    if ('d' in key || 'k' in key)
      return 'it holds private or symmetric key material; publish public keys only';
  }
  try {
    return createLocalJWKSet(value as JSONWebKeySet);
  } catch {
    return 'it is not a valid JWK Set (RFC 7517 section 5)';
  }
}

type Match = KeyInput | { unknown: string } | string;

async function match(set: LocalSet, header: KeyHint): Promise<Match> {
  try {
    return await set({ alg: header.alg ?? '', ...(header.kid === undefined ? {} : { kid: header.kid }) });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ERR_JWKS_NO_MATCHING_KEY') {
      return {
        unknown: `no key of the client matches the JWS header (kid ${header.kid ?? 'absent'}, alg ${header.alg})`,
      };
    }
    if (code === 'ERR_JWKS_MULTIPLE_MATCHING_KEYS')
      return 'several client keys match: the JWS header must name one with kid';
    return 'the matching client key cannot be imported';
  }
}

interface Remote {
  uri: string;
  set?: LocalSet;
  /** When the cached set goes stale (a failed fetch leaves it stale). */
  expiresAt: number;
  /** The last fetch started: refetches are spaced at least JWKS_REFETCH_INTERVAL apart. */
  attemptedAt: number;
  error?: string;
  inflight?: Promise<void>;
}

export function createClientKeys(options: ClientKeysOptions): ClientKeys {
  const { clock, outbound } = options;
  // Built once per client config object: a commit makes new Client objects, so no stale keys.
  const local = new WeakMap<KeySource, LocalSet | string>();
  // By client_id, so a commit that leaves the jwks_uri as it was keeps the cache.
  const remote = new Map<string, Remote>();

  function refresh(entry: Remote): Promise<void> {
    entry.inflight ??= (async () => {
      const now = clock.nowSeconds();
      entry.attemptedAt = now;
      try {
        const fetched = await fetchJson(entry.uri, outbound);
        const set = toKeySet(fetched.body);
        if (typeof set === 'string') throw new OutboundError(set);
        const age = fetched.maxAge ?? JWKS_DEFAULT_AGE;
        entry.set = set;
        entry.expiresAt = now + Math.min(JWKS_MAX_AGE, Math.max(JWKS_MIN_AGE, age));
        delete entry.error;
      } catch (error) {
        // A stale set stays usable until a later fetch succeeds; the next try waits the interval.
        entry.error = error instanceof OutboundError ? error.message : 'the fetch failed';
      } finally {
        delete entry.inflight;
      }
    })();
    return entry.inflight;
  }

  async function fromUri(client: KeySource, uri: string, header: KeyHint): Promise<KeyInput | string> {
    let entry = remote.get(client.client_id);
    if (!entry || entry.uri !== uri) {
      entry = { uri, expiresAt: 0, attemptedAt: Number.NEGATIVE_INFINITY };
      remote.set(client.client_id, entry);
    }
    const mayRefetch = () => clock.nowSeconds() - entry.attemptedAt >= JWKS_REFETCH_INTERVAL;
    if (entry.inflight) await entry.inflight;
    else if (clock.nowSeconds() >= entry.expiresAt && mayRefetch()) await refresh(entry);
    if (!entry.set) return `the client's jwks_uri cannot be used: ${entry.error ?? 'not fetched yet'}`;
    let found = await match(entry.set, header);
    // RFC 7517 rotation: an unknown kid may be a new key, so look again, but not more than once a minute.
    if (typeof found === 'object' && 'unknown' in found && mayRefetch()) {
      await refresh(entry);
      found = await match(entry.set, header);
    }
    return typeof found === 'object' && 'unknown' in found ? found.unknown : found;
  }

  return {
    async keyFor(client, header) {
      if (client.jwksUri !== null) return fromUri(client, client.jwksUri, header);
      if (!client.jwks) return 'the client has no registered keys';
      let set = local.get(client);
      if (set === undefined) {
        const built = toKeySet(client.jwks);
        set = typeof built === 'string' ? `the client's jwks cannot be used: ${built}` : built;
        local.set(client, set);
      }
      if (typeof set === 'string') return set;
      const found = await match(set, header);
      return typeof found === 'object' && 'unknown' in found ? found.unknown : found;
    },
  };
}
