// Snapshots read back from the store: one an earlier version wrote gets this version's defaults for what it lacks.
import { type Snapshot, snapshotSchema } from './schema.ts';

/**
 * A revision's or a draft's snapshot as stored, parsed by today's schema, so the sections and fields added
 * since it was committed (0.2.0's `apis`, a client's `apis`) read as their defaults instead of as missing.
 * Parsing a snapshot this version wrote gives it back unchanged. One that no longer parses is handed back as
 * stored, for the checks at compile and commit to report with their paths.
 */
export function storedSnapshot(value: unknown): Snapshot {
  const parsed = snapshotSchema.safeParse(value);
  return parsed.success ? parsed.data : (value as Snapshot);
}
