// Registered clients and initial access tokens as rows, one mapping for both SQL engines.
import type { InitialAccessToken, RegisteredClient } from './ports/registration.ts';

type Row = Record<string, unknown>;

const num = (v: unknown) => Number(v);
const numOrNull = (v: unknown) => (v === null || v === undefined ? null : Number(v));
// SQLite stores booleans as 0/1, PostgreSQL as booleans.
const bool = (v: unknown) => v === true || v === 1 || v === '1';

export const CLIENT_COLUMNS =
  'client_id, config, metadata, registration_token_hash, registered_by, address, created_at, updated_at, last_used_at, disabled';

export const TOKEN_COLUMNS = 'id, label, token_hash, created_at, expires_at, uses_left, revoked';

export function clientValues(c: RegisteredClient, boolValue: (b: boolean) => unknown): unknown[] {
  return [
    c.clientId,
    JSON.stringify(c.config),
    JSON.stringify(c.metadata),
    c.registrationTokenHash,
    c.registeredBy,
    c.address,
    c.createdAt,
    c.updatedAt,
    c.lastUsedAt,
    boolValue(c.disabled),
  ];
}

export function tokenValues(t: InitialAccessToken, boolValue: (b: boolean) => unknown): unknown[] {
  return [t.id, t.label, t.tokenHash, t.createdAt, t.expiresAt, t.usesLeft, boolValue(t.revoked)];
}

export function toRegisteredClient(row: Row): RegisteredClient {
  return {
    clientId: String(row['client_id']),
    config: JSON.parse(String(row['config'])),
    metadata: JSON.parse(String(row['metadata'])),
    registrationTokenHash: String(row['registration_token_hash']),
    registeredBy: String(row['registered_by']),
    address: String(row['address']),
    createdAt: num(row['created_at']),
    updatedAt: num(row['updated_at']),
    lastUsedAt: numOrNull(row['last_used_at']),
    disabled: bool(row['disabled']),
  };
}

export function toInitialToken(row: Row): InitialAccessToken {
  return {
    id: String(row['id']),
    label: String(row['label']),
    tokenHash: String(row['token_hash']),
    createdAt: num(row['created_at']),
    expiresAt: numOrNull(row['expires_at']),
    usesLeft: numOrNull(row['uses_left']),
    revoked: bool(row['revoked']),
  };
}
