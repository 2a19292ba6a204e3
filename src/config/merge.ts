// Layers the config file's declarations over the committed revision: same id, the file wins.
import type { Snapshot } from './schema.ts';

/** Declared entries (from the config file) replace committed entries with the same id. */
export function mergeSnapshots(committed: Snapshot, declared: Snapshot): Snapshot {
  const byKey = <T>(base: readonly T[], over: readonly T[], key: (t: T) => string): T[] => {
    const map = new Map(base.map((item) => [key(item), item]));
    for (const item of over) map.set(key(item), item);
    return [...map.values()];
  };
  // The registration policy is one setting: the file's, when it names one, wins whole.
  const registration = declared.registration ?? committed.registration;
  return {
    ...(registration === undefined ? {} : { registration }),
    // Authentication policies by id; left out while neither side has any.
    ...(committed.policies === undefined && declared.policies === undefined
      ? {}
      : { policies: byKey(committed.policies ?? [], declared.policies ?? [], (p) => p.id) }),
    authenticators: byKey(committed.authenticators, declared.authenticators, (a) => a.id),
    scopes: byKey(committed.scopes, declared.scopes, (s) => s.name),
    apis: byKey(committed.apis, declared.apis, (a) => a.identifier),
    clients: byKey(committed.clients, declared.clients, (c) => c.client_id),
    // RFC 8693 trusted issuers, by issuer URL; left out while neither side has any.
    ...(committed.trusted_issuers === undefined && declared.trusted_issuers === undefined
      ? {}
      : {
          trusted_issuers: byKey(
            committed.trusted_issuers ?? [],
            declared.trusted_issuers ?? [],
            (t) => t.issuer,
          ),
        }),
  };
}
