// The store's readiness answers, built the same way by every engine from what its probe query returned.

import { StoreUnavailableError } from './ports/errors.ts';
import type { DatabaseCheck, SchemaCheck, StoreReadiness } from './ports/maintenance.ts';
import { type RecordedMigration, schemaCompat } from './schema-compat.ts';

export function schemaCheck(recorded: readonly RecordedMigration[], nodeVersion: number): SchemaCheck {
  const compat = schemaCompat(recorded, nodeVersion);
  const check: SchemaCheck = { ok: compat.status === 'compatible', version: compat.version, nodeVersion };
  if (compat.status !== 'compatible') check.reason = compat.reason;
  return check;
}

/** A probe that failed: the reason names the kind and the driver's code, never an address or a name. */
export function databaseFailure(error: unknown): DatabaseCheck {
  const cause = error instanceof StoreUnavailableError ? error.cause : error;
  const code = (cause as { code?: unknown })?.code;
  const suffix = typeof code === 'string' && /^[A-Z0-9_]{1,32}$/.test(code) ? ` (${code})` : '';
  return {
    ok: false,
    reason: `${error instanceof StoreUnavailableError ? 'the database is unreachable' : 'the readiness query failed'}${suffix}`,
    detail: (cause as Error)?.message ?? String(cause),
  };
}

/** Readiness when the database did not answer: the schema could not be looked at. */
export function unreachable(error: unknown, nodeVersion: number): StoreReadiness {
  return {
    database: databaseFailure(error),
    schema: { ok: false, version: null, nodeVersion, reason: 'not checked: the database did not answer' },
  };
}
