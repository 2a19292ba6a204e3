// When each client's current secret was set, read from the revision history (there is no other record of it).
import type { ClientConfig } from '../../config/schema.ts';
import type { ConfigStore } from '../../store/ports/index.ts';

/** How far back the history is read; an older secret is reported as set at the oldest revision read. */
export const HISTORY_DEPTH = 500;

export interface SecretSetAt {
  /** The stored form of the secret (keyed hash or sealed value), to match a draft's client against. */
  stored: string;
  at: number;
  revision: number;
}

/** The stored form of a client's secret; a file-declared plaintext secret has no history and counts as none. */
export const storedSecret = (c: ClientConfig): string | undefined => c.secret_hash ?? c.secret_sealed;

/**
 * Walks from the current revision to its ancestors while each client keeps the same stored secret: the
 * oldest revision of that unbroken run is the one that set it.
 */
export async function secretTimes(
  config: ConfigStore,
  depth = HISTORY_DEPTH,
): Promise<Map<string, SecretSetAt>> {
  const found = new Map<string, SecretSetAt>();
  let revision = await config.current();
  if (!revision) return found;
  const open = new Set<string>();
  for (const c of revision.snapshot.clients) {
    const stored = storedSecret(c);
    if (stored === undefined) continue;
    found.set(c.client_id, { stored, at: revision.createdAt, revision: revision.id });
    open.add(c.client_id);
  }
  for (let read = 1; open.size > 0 && revision.parent !== null && read < depth; read++) {
    const parent = await config.get(revision.parent);
    if (!parent) break;
    for (const id of open) {
      const earlier = parent.snapshot.clients.find((c) => c.client_id === id);
      const entry = found.get(id)!;
      if (earlier !== undefined && storedSecret(earlier) === entry.stored) {
        found.set(id, { ...entry, at: parent.createdAt, revision: parent.id });
      } else {
        open.delete(id);
      }
    }
    revision = parent;
  }
  return found;
}
