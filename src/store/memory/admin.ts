// In-memory AdminStore for unit tests: the same contract as SQLite, held in Maps.
import { ConflictError, DuplicateError } from '../ports/errors.ts';
import type { AdminSession, AdminStore, AdminUser, ApiToken, Draft } from '../ports/index.ts';

const clone = <T>(value: T): T => structuredClone(value);

export function createMemoryAdminStore(): AdminStore {
  /** Keyed by the lower-cased username: usernames are unique regardless of case. */
  const users = new Map<string, AdminUser>();
  const sessions = new Map<string, AdminSession>();
  const tokens: ApiToken[] = [];
  const drafts = new Map<string, Draft>();
  let salt: string | undefined;

  return {
    users: {
      async create(user) {
        const key = user.username.toLowerCase();
        if (users.has(key)) throw new DuplicateError(`admin "${user.username}"`);
        users.set(key, clone(user));
      },
      async createFirst(user) {
        if (users.size > 0) return false;
        users.set(user.username.toLowerCase(), clone(user));
        return true;
      },
      async find(username) {
        const found = users.get(username.toLowerCase());
        return found && clone(found);
      },
      async list() {
        return [...users.values()].sort((a, b) => a.createdAt - b.createdAt).map(clone);
      },
      async setupSalt(candidate) {
        salt ??= candidate;
        return salt;
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
      async deleteExpired(now) {
        for (const [hash, s] of sessions) if (s.expiresAt <= now) sessions.delete(hash);
      },
    },
    tokens: {
      async create(token) {
        if (tokens.some((t) => t.id === token.id || t.hash === token.hash)) {
          throw new DuplicateError(`API token "${token.id}"`);
        }
        tokens.push({ ...token });
      },
      async findByHash(hash) {
        const found = tokens.find((t) => t.hash === hash);
        return found && { ...found };
      },
      async list() {
        return tokens.map((t) => ({ ...t }));
      },
      async revoke(id, now) {
        const found = tokens.find((t) => t.id === id);
        if (!found || found.revokedAt !== null) return false;
        found.revokedAt = now;
        return true;
      },
    },
    drafts: {
      async get(owner) {
        const found = drafts.get(owner);
        return found && clone(found);
      },
      async save(draft, expected) {
        const stored = drafts.get(draft.owner)?.version ?? null;
        if (stored !== expected) {
          throw new ConflictError(`draft of ${draft.owner} is at version ${stored}, not ${expected}`, stored);
        }
        const saved = { ...clone(draft), version: (stored ?? 0) + 1 };
        drafts.set(draft.owner, saved);
        return clone(saved);
      },
      async delete(owner) {
        drafts.delete(owner);
      },
    },
  };
}
