// Memory AccountStore: end users in a Map; usernames compared without regard to case.
import { DuplicateError } from '../ports/errors.ts';
import type { Account, AccountStore } from '../ports/index.ts';
import { clone, foldAscii, type MemoryState } from './state.ts';

export function memoryAccounts(state: MemoryState): AccountStore {
  return {
    async create(account) {
      const taken = [...state.accounts.values()].some(
        (a) => a.username.toLowerCase() === account.username.toLowerCase(),
      );
      if (taken || state.accounts.has(account.id)) throw new DuplicateError(`account "${account.username}"`);
      const stored = { ...clone(account), disabled: false };
      state.accounts.set(account.id, stored);
      return clone(stored);
    },
    async findByUsername(username) {
      const found = [...state.accounts.values()].find(
        (a) => a.username.toLowerCase() === username.toLowerCase(),
      );
      return found && clone(found);
    },
    async findByEmail(email, limit) {
      const wanted = foldAscii(email);
      return [...state.accounts.values()]
        .filter((a) => typeof a.claims['email'] === 'string' && foldAscii(a.claims['email']) === wanted)
        .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
        .slice(0, limit)
        .map(clone);
    },
    async findById(id) {
      const found = state.accounts.get(id);
      return found && clone(found);
    },
    async list(limit) {
      return [...state.accounts.values()]
        .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
        .slice(0, limit)
        .map(clone);
    },
    async search({ text, after, limit }) {
      // Code point order, as the SQL engines compare UTF-8 bytes: JavaScript's < compares UTF-16 units.
      const key = (value: string) => Buffer.from(foldAscii(value));
      const wanted = foldAscii(text);
      const matches = (a: Account) => {
        const email = a.claims['email'];
        return (
          foldAscii(a.username).includes(wanted) ||
          (typeof email === 'string' && foldAscii(email).includes(wanted))
        );
      };
      return [...state.accounts.values()]
        .filter(matches)
        .filter((a) => after === undefined || Buffer.compare(key(a.username), key(after)) > 0)
        .sort(
          (a, b) =>
            Buffer.compare(key(a.username), key(b.username)) ||
            Buffer.compare(Buffer.from(a.id), Buffer.from(b.id)),
        )
        .slice(0, limit)
        .map(clone);
    },
    async updateClaims(id, claims) {
      const found = state.accounts.get(id);
      if (found) found.claims = clone(claims);
    },
    async setDisabled(id, disabled) {
      const found = state.accounts.get(id);
      if (found) found.disabled = disabled;
      if (disabled)
        for (const [hash, s] of state.sessions) if (s.accountId === id) state.sessions.delete(hash);
    },
    async setPasswordHash(id, passwordHash) {
      const found = state.accounts.get(id);
      if (found) found.passwordHash = passwordHash;
      return found !== undefined;
    },
  };
}
