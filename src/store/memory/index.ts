// In-memory store for unit tests: the same contract as SQLite and PostgreSQL, held in Maps.
import { ConflictError, DuplicateError } from '../ports/errors.ts';
import type {
  Account,
  CodeRecord,
  Consent,
  Revision,
  Session,
  Store,
  StoredKey,
  StoredToken,
  TokenRecord,
} from '../ports/index.ts';
import { createMemoryAdminStore } from './admin.ts';

const clone = <T>(value: T): T => structuredClone(value);

export function createMemoryStore(): Store {
  const accounts = new Map<string, Account>();
  const sessions = new Map<string, Session>();
  const codes = new Map<string, CodeRecord & { used: boolean }>();
  const tokens = new Map<string, StoredToken>();
  const revisions: Revision[] = [];
  const keys: StoredKey[] = [];
  const consents = new Map<string, Consent>();
  let lease: { holder: string; expiresAt: number } | undefined;
  const loginFailures = new Map<string, { count: number; expiresAt: number }>();
  const consentKey = (accountId: string, clientId: string) => JSON.stringify([accountId, clientId]);

  const revoke = (grantId: string) => {
    for (const token of tokens.values()) if (token.grantId === grantId) token.revoked = true;
  };
  const save = (list: readonly TokenRecord[]) => {
    for (const t of list) tokens.set(t.hash, { ...t, revoked: false, rotatedAt: null });
  };

  return {
    engine: 'memory',
    accounts: {
      async create(account) {
        const taken = [...accounts.values()].some(
          (a) => a.username.toLowerCase() === account.username.toLowerCase(),
        );
        if (taken || accounts.has(account.id)) throw new DuplicateError(`account "${account.username}"`);
        const stored = { ...clone(account), disabled: false };
        accounts.set(account.id, stored);
        return clone(stored);
      },
      async findByUsername(username) {
        const found = [...accounts.values()].find((a) => a.username.toLowerCase() === username.toLowerCase());
        return found && clone(found);
      },
      async findById(id) {
        const found = accounts.get(id);
        return found && clone(found);
      },
      async list(limit) {
        return [...accounts.values()]
          .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
          .slice(0, limit)
          .map(clone);
      },
      async updateClaims(id, claims) {
        const found = accounts.get(id);
        if (found) found.claims = clone(claims);
      },
      async setDisabled(id, disabled) {
        const found = accounts.get(id);
        if (found) found.disabled = disabled;
        if (disabled) for (const [hash, s] of sessions) if (s.accountId === id) sessions.delete(hash);
      },
    },
    consents: {
      async find(accountId, clientId) {
        const found = consents.get(consentKey(accountId, clientId));
        return found && { ...found };
      },
      async save(consent) {
        consents.set(consentKey(consent.accountId, consent.clientId), { ...consent });
      },
      async list(accountId) {
        return [...consents.values()].filter((c) => c.accountId === accountId).map((c) => ({ ...c }));
      },
      async delete(accountId, clientId) {
        consents.delete(consentKey(accountId, clientId));
      },
    },
    sessions: {
      async create(session) {
        sessions.set(session.idHash, { ...session });
      },
      async find(idHash, now) {
        const found = sessions.get(idHash);
        return found && found.expiresAt > now ? { ...found } : undefined;
      },
      async delete(idHash) {
        sessions.delete(idHash);
      },
    },
    grants: {
      async saveCode(code) {
        codes.set(code.hash, { ...code, used: false });
      },
      async findCode(hash) {
        const found = codes.get(hash);
        return found && { ...found };
      },
      async redeemCode(hash, _now, issued) {
        const code = codes.get(hash);
        if (!code) return { status: 'missing' };
        if (code.used) {
          revoke(code.grantId);
          return { status: 'already_used' };
        }
        code.used = true;
        save(issued);
        return { status: 'redeemed' };
      },
      async saveTokens(list) {
        save(list);
      },
      async findToken(hash) {
        const found = tokens.get(hash);
        return found && { ...found };
      },
      async revokeGrant(grantId) {
        revoke(grantId);
      },
      async revokeClientTokens(accountId, clientId) {
        for (const token of tokens.values()) {
          if (token.accountId === accountId && token.clientId === clientId) token.revoked = true;
        }
      },
      async revokeToken(hash) {
        const found = tokens.get(hash);
        if (found) found.revoked = true;
        return found !== undefined;
      },
      async rotateRefreshToken(hash, now, graceSeconds, successors) {
        const token = tokens.get(hash);
        if (!token) return { status: 'missing' };
        if (token.rotatedAt === null) {
          token.rotatedAt = now;
          save(successors);
          return { status: 'rotated' };
        }
        if (graceSeconds > 0 && now - token.rotatedAt <= graceSeconds) {
          save(successors);
          return { status: 'grace' };
        }
        revoke(token.grantId);
        return { status: 'reused' };
      },
    },
    config: {
      async current() {
        const last = revisions.at(-1);
        return last && clone(last);
      },
      async currentId() {
        return revisions.at(-1)?.id ?? null;
      },
      async commit(revision) {
        const current = revisions.at(-1)?.id ?? null;
        if (revision.parent !== current) {
          throw new ConflictError(`revision ${current} is current, not ${revision.parent}`, current);
        }
        const stored = { ...clone(revision), id: (current ?? 0) + 1 };
        revisions.push(stored);
        return clone(stored);
      },
      async list(limit) {
        return revisions
          .slice(limit > 0 ? -limit : revisions.length)
          .reverse()
          .map(({ snapshot: _, ...meta }) => meta);
      },
      async get(id) {
        const found = revisions.find((r) => r.id === id);
        return found && clone(found);
      },
    },
    keys: {
      async list() {
        // Oldest first, ties by kid: every node must agree on the order (as the SQL stores do).
        return keys
          .map((k) => ({ ...k }))
          .sort((a, b) => a.createdAt - b.createdAt || (a.kid < b.kid ? -1 : a.kid > b.kid ? 1 : 0));
      },
      async insertFirst(key) {
        if (keys.some((k) => k.alg === key.alg && k.retiredAt === null)) return false;
        keys.push({ ...key });
        return true;
      },
      async insert(key) {
        if (!keys.some((k) => k.kid === key.kid)) keys.push({ ...key });
      },
      async retire(kid, at) {
        const found = keys.find((k) => k.kid === kid);
        if (found && found.retiredAt === null) found.retiredAt = at;
      },
      async delete(kid) {
        const index = keys.findIndex((k) => k.kid === kid);
        if (index >= 0) keys.splice(index, 1);
      },
    },
    throttle: {
      async failures(key, now) {
        const entry = loginFailures.get(key);
        return entry && entry.expiresAt > now ? { ...entry } : undefined;
      },
      async recordFailure(key, now, windowSeconds) {
        const entry = loginFailures.get(key);
        if (entry && entry.expiresAt > now) entry.count += 1;
        else loginFailures.set(key, { count: 1, expiresAt: now + windowSeconds });
      },
      async clear(key) {
        loginFailures.delete(key);
      },
    },
    maintenance: {
      async purgeExpired(holder, now, batch) {
        if (lease && lease.holder !== holder && lease.expiresAt >= now) return null;
        lease = { holder, expiresAt: now + 120 };
        let deleted = 0;
        for (const map of [codes, tokens, sessions, loginFailures] as Map<string, { expiresAt: number }>[]) {
          for (const [key, row] of map) {
            if (deleted >= batch) break;
            if (row.expiresAt < now) {
              map.delete(key);
              deleted += 1;
            }
          }
        }
        return deleted;
      },
      async ping() {},
    },
    admin: createMemoryAdminStore(),
    async close() {},
  };
}
