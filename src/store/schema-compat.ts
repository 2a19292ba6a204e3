// Expand and contract: whether a node may serve on a database's schema, the same rule for every engine.

/**
 * What a migration does to nodes that do not know it: `additive` leaves them working, `breaking` does not,
 * except nodes from its `compatibleFrom` on (the expand release, which already stopped using the old shape).
 */
export type MigrationKind = 'additive' | 'breaking';

/** A row of `schema_migrations`: what the database says was applied to it. */
export interface RecordedMigration {
  version: number;
  name: string;
  /** As stored; anything but `additive` (a kind from a later release) counts as breaking. */
  kind: string;
  /** For a breaking migration: nodes that know this version or a later one run with it; null for none. */
  compatibleFrom: number | null;
}

/**
 * Columns of `schema_migrations` added after it first shipped, with what rows from before them read: every
 * migration applied before kinds were recorded was additive. Each engine adds the missing ones at start.
 */
export const BOOKKEEPING_COLUMNS = [
  { name: 'kind', type: "TEXT NOT NULL DEFAULT 'additive'" },
  { name: 'compatible_from', type: 'INTEGER' },
] as const;

/** Whether a node that knows up to `nodeVersion` runs on a schema that has migration `m`. */
function tolerates(m: RecordedMigration, nodeVersion: number): boolean {
  if (m.version <= nodeVersion || m.kind === 'additive') return true;
  return m.kind === 'breaking' && m.compatibleFrom !== null && m.compatibleFrom <= nodeVersion;
}

export type SchemaCompat =
  /** The node's own schema, or a newer one whose every later migration is additive. */
  | { status: 'compatible'; version: number; nodeVersion: number }
  /** Older than the node: at start it migrates; while running, another process rolled the schema back. */
  | { status: 'behind'; version: number | null; nodeVersion: number; reason: string }
  /** Newer, with a breaking migration this node does not know. */
  | { status: 'incompatible'; version: number; nodeVersion: number; reason: string };

/** The rule, given what the database recorded and the highest migration this node knows. */
export function schemaCompat(recorded: readonly RecordedMigration[], nodeVersion: number): SchemaCompat {
  const version = recorded.reduce<number | null>(
    (max, m) => (max === null || m.version > max ? m.version : max),
    null,
  );
  if (version === null || version < nodeVersion) {
    return {
      status: 'behind',
      version,
      nodeVersion,
      reason: `schema ${version ?? 'none'} is older than this node's ${nodeVersion}: restart the node to migrate it`,
    };
  }
  const breaking = recorded
    .filter((m) => !tolerates(m, nodeVersion))
    .sort((a, b) => a.version - b.version)[0];
  if (breaking) {
    const needs =
      breaking.compatibleFrom === null ? '' : ` (it runs with nodes from ${breaking.compatibleFrom} on)`;
    return {
      status: 'incompatible',
      version,
      nodeVersion,
      reason: `schema ${version} has breaking migration ${breaking.version} (${breaking.name}) that this node (knows up to ${nodeVersion}) cannot run with${needs}`,
    };
  }
  return { status: 'compatible', version, nodeVersion };
}

/** A node refuses to start on a schema it cannot run with, rather than serve and fail request by request. */
export class IncompatibleSchemaError extends Error {
  constructor(readonly reason: string) {
    super(
      `this node cannot run on this database: ${reason}; upgrade it to a release that knows the newer migrations`,
    );
    this.name = 'IncompatibleSchemaError';
  }
}

/** Throws IncompatibleSchemaError unless the node may start: an older schema is fine, it is migrated next. */
export function assertStartable(recorded: readonly RecordedMigration[], nodeVersion: number): void {
  const compat = schemaCompat(recorded, nodeVersion);
  if (compat.status === 'incompatible') throw new IncompatibleSchemaError(compat.reason);
}
