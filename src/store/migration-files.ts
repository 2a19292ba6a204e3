// Reads an engine's numbered SQL migrations; each file's first line says its kind (`-- tessera: additive`,
// `-- tessera: breaking`, or `-- tessera: breaking, compatible from 12` for the contract step of a change).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MigrationKind } from './schema-compat.ts';

export interface Migration {
  version: number;
  /** The file name, recorded in `schema_migrations`. */
  name: string;
  kind: MigrationKind;
  /** A breaking migration that nodes knowing this version (the expand step) or later run with; else null. */
  compatibleFrom: number | null;
  sql: string;
}

const HEADER = /^-- tessera: (additive|breaking)(?:, compatible from (\d+))?\s*$/;

/** The migrations in `dir`, in version order; a file without a kind, or two files of one version, is refused. */
export function readMigrations(dir: string): Migration[] {
  const seen = new Set<number>();
  return readdirSync(dir)
    .filter((f) => /^\d+_.+\.sql$/.test(f))
    .sort()
    .map((name) => {
      const version = Number.parseInt(name, 10);
      if (seen.has(version)) throw new Error(`two migrations have version ${version} (${dir})`);
      seen.add(version);
      const sql = readFileSync(join(dir, name), 'utf8');
      const header = HEADER.exec(sql.split('\n', 1)[0] ?? '');
      if (!header) {
        throw new Error(
          `migration ${name} must start with "-- tessera: additive" or "-- tessera: breaking[, compatible from N]"`,
        );
      }
      const kind = header[1] as MigrationKind;
      const compatibleFrom = header[2] === undefined ? null : Number(header[2]);
      if (compatibleFrom !== null && (kind !== 'breaking' || compatibleFrom >= version))
        throw new Error(`migration ${name}: "compatible from" names an earlier migration, on a breaking one`);
      return { version, name, kind, compatibleFrom, sql };
    });
}
