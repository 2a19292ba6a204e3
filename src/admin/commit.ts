// Commits a changed config snapshot: validate the whole of it, hash any plaintext secret, write one revision.
import type { Snapshot, SnapshotInput } from '../config/schema.ts';
import { type ConfigIssue, validateSnapshot } from '../config/validate.ts';
import type { SecretHasher } from '../keys/secrets.ts';
import type { ConfigStore, Revision } from '../store/ports/index.ts';

export type CommitResult = { ok: true; revision: Revision } | { ok: false; issues: ConfigIssue[] };

export interface CommitInput {
  author: string;
  message: string;
  now: number;
  /** Builds the candidate from the current snapshot (an empty one on a new database). */
  change(current: SnapshotInput): SnapshotInput | ConfigIssue[];
}

/** Only keyed hashes are committed; plaintext secrets never reach the revision history. */
export function sealSecrets(snapshot: Snapshot, secrets: SecretHasher): Snapshot {
  return {
    ...snapshot,
    clients: snapshot.clients.map((client) => {
      if (client.secret === undefined) return client;
      const { secret, ...rest } = client;
      return { ...rest, secret_hash: secrets.hash(secret) };
    }),
  };
}

export async function commitChange(
  store: ConfigStore,
  secrets: SecretHasher,
  input: CommitInput,
): Promise<CommitResult> {
  const current = await store.current();
  const candidate = input.change((current?.snapshot ?? {}) as SnapshotInput);
  if (Array.isArray(candidate)) return { ok: false, issues: candidate };
  const checked = validateSnapshot(candidate);
  if (!checked.ok) return checked;
  const revision = await store.commit({
    parent: current?.id ?? null,
    author: input.author,
    message: input.message,
    createdAt: input.now,
    snapshot: sealSecrets(checked.value, secrets),
  });
  return { ok: true, revision };
}
