// Memory SessionStore: SSO sessions by the hash of their cookie value.
import type { SessionStore } from '../ports/index.ts';
import { clone, type MemoryState } from './state.ts';

export function memorySessions(state: MemoryState): SessionStore {
  const live = (idHash: string, now: number) => {
    const found = state.sessions.get(idHash);
    return found && found.expiresAt > now ? found : undefined;
  };
  return {
    async create(session) {
      state.sessions.set(session.idHash, clone(session));
    },
    async find(idHash, now) {
      const found = live(idHash, now);
      return found && clone(found);
    },
    async delete(idHash) {
      state.sessions.delete(idHash);
    },
    async addFactor(idHash, factor, now) {
      const found = live(idHash, now);
      if (!found) return false;
      found.factors.push(clone(factor));
      return true;
    },
    async touch(idHash, now) {
      const found = state.sessions.get(idHash);
      if (found) found.lastSeen = now;
    },
    async listByAccount(accountId, now) {
      return [...state.sessions.values()]
        .filter((s) => s.accountId === accountId && s.expiresAt > now)
        .sort((a, b) => b.lastSeen - a.lastSeen)
        .map(clone);
    },
    async deleteForAccount(accountId, idHash) {
      if (state.sessions.get(idHash)?.accountId !== accountId) return false;
      return state.sessions.delete(idHash);
    },
  };
}
