// The one way to look up a client by client_id: committed config first, then registered clients, then a hook.
import type { ClientResolver, ClientSource } from '../../config/clients.ts';
import { type Client, compileClient, type LiveConfig } from '../../config/live.ts';
import { clientSchema } from '../../config/schema.ts';
import type { Clock } from '../../shared/clock.ts';
import type { RegisteredClient, RegistrationStore } from '../../store/ports/index.ts';

export type { ClientResolver, ClientSource } from '../../config/clients.ts';

export interface ResolverOptions {
  config(): LiveConfig;
  registered?: Pick<RegistrationStore, 'find' | 'touch'> | undefined;
  /** Asked before the store for the ids it claims: an https URL as client_id (another source's rules). */
  sources?: readonly ClientSource[] | undefined;
  clock: Clock;
  /** Seconds a registered client (or its absence) is believed: bounds how stale another node's delete can be. */
  ttl?: number | undefined;
  /** Most registered clients kept in memory. */
  maxEntries?: number | undefined;
}

/** last_used_at is written at most this often per client, so a busy client costs one write an hour. */
const TOUCH_EVERY = 3_600;

/** Compiles a stored registration like a committed client, or undefined when it no longer parses. */
export function compileRegistered(row: RegisteredClient): Client | undefined {
  if (row.disabled) return undefined;
  const parsed = clientSchema.safeParse({ ...row.config, client_id: row.clientId });
  if (!parsed.success) return undefined;
  return compileClient(parsed.data, () => {
    throw new Error('a registered client carries its secret only as a hash');
  });
}

export function createClientResolver(options: ResolverOptions): ClientResolver {
  const ttl = options.ttl ?? 5;
  const maxEntries = options.maxEntries ?? 1_000;
  const cache = new Map<string, { client: Client | undefined; until: number }>();
  const remember = (clientId: string, client: Client | undefined, now: number) => {
    cache.delete(clientId);
    // Oldest entries first in a Map: drop from the front to stay bounded.
    while (cache.size >= maxEntries) cache.delete(cache.keys().next().value as string);
    cache.set(clientId, { client, until: now + ttl });
  };

  async function fromStore(store: NonNullable<ResolverOptions['registered']>, clientId: string) {
    const now = options.clock.nowSeconds();
    const hit = cache.get(clientId);
    if (hit && hit.until > now) return hit.client;
    const row = await store.find(clientId);
    const client = row ? compileRegistered(row) : undefined;
    remember(clientId, client, now);
    if (row && client && (row.lastUsedAt ?? 0) <= now - TOUCH_EVERY) {
      // Best effort: an unwritten use only makes the cleanup loop's clock for this client start earlier.
      store.touch(clientId, now).catch(() => {});
    }
    return client;
  }

  return {
    async find(clientId) {
      // The hot path: a committed client, from memory, with no store round trip.
      const committed = options.config().clients.get(clientId);
      if (committed) return committed;
      for (const source of options.sources ?? []) {
        if (source.claims(clientId)) return source.find(clientId);
      }
      return options.registered ? fromStore(options.registered, clientId) : undefined;
    },
    forget(clientId) {
      cache.delete(clientId);
    },
  };
}

/** For tests and tools that only know committed clients. */
export function committedClients(config: () => LiveConfig): ClientResolver {
  return {
    async find(clientId) {
      return config().clients.get(clientId);
    },
    forget() {},
  };
}
