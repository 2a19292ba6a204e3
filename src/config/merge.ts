// Layers the config file's declarations over the committed revision: same id, the file wins.
import type { Snapshot } from './schema.ts';

/** Declared entries (from the config file) replace committed entries with the same id. */
export function mergeSnapshots(committed: Snapshot, declared: Snapshot): Snapshot {
  const byKey = <T>(base: readonly T[], over: readonly T[], key: (t: T) => string): T[] => {
    const map = new Map(base.map((item) => [key(item), item]));
    for (const item of over) map.set(key(item), item);
    return [...map.values()];
  };
  return {
    authenticators: byKey(committed.authenticators, declared.authenticators, (a) => a.id),
    scopes: byKey(committed.scopes, declared.scopes, (s) => s.name),
    apis: byKey(committed.apis, declared.apis, (a) => a.identifier),
    clients: byKey(committed.clients, declared.clients, (c) => c.client_id),
  };
}
