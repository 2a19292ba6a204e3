// The memory store's tables: one object every aggregate's implementation shares, as the SQL stores share a database.
import type {
  Account,
  Consent,
  DeviceCode,
  EmailToken,
  PushedRequest,
  Revision,
  Session,
  StoredCode,
  StoredDataKey,
  StoredKey,
  StoredToken,
} from '../ports/index.ts';

export interface GrantRow {
  clientId: string;
  accountId: string;
  sessionHash: string | null;
  expiresAt: number;
  revoked: boolean;
}

export interface MemoryState {
  accounts: Map<string, Account>;
  sessions: Map<string, Session>;
  codes: Map<string, StoredCode>;
  tokens: Map<string, StoredToken>;
  grants: Map<string, GrantRow>;
  revisions: Revision[];
  keys: StoredKey[];
  dataKeys: Map<string, StoredDataKey>;
  consents: Map<string, Consent>;
  lease: { holder: string; expiresAt: number } | undefined;
  loginFailures: Map<string, { count: number; expiresAt: number }>;
  replayKeys: Map<string, { expiresAt: number }>;
  pushedRequests: Map<string, PushedRequest & { used: boolean }>;
  deviceCodes: Map<string, DeviceCode>;
  emailTokens: Map<string, EmailToken & { usedAt: number | null }>;
}

export const clone = <T>(value: T): T => structuredClone(value);
/** Lower-cases A-Z only, as SQLite's lower() and PostgreSQL's lower() under the C collation do. */
export const foldAscii = (value: string): string => value.replace(/[A-Z]/g, (c) => c.toLowerCase());
export const consentKey = (accountId: string, clientId: string) => JSON.stringify([accountId, clientId]);

export function emptyState(): MemoryState {
  return {
    accounts: new Map(),
    sessions: new Map(),
    codes: new Map(),
    tokens: new Map(),
    grants: new Map(),
    revisions: [],
    keys: [],
    dataKeys: new Map(),
    consents: new Map(),
    lease: undefined,
    loginFailures: new Map(),
    replayKeys: new Map(),
    pushedRequests: new Map(),
    deviceCodes: new Map(),
    emailTokens: new Map(),
  };
}
