// Memory SessionStore: SSO sessions by the hash of their cookie value.
import type { SessionStore } from '../ports/index.ts';
import type { MemoryState } from './state.ts';

export function memorySessions(state: MemoryState): SessionStore {
  return {
    async create(session) {
      state.sessions.set(session.idHash, { ...session });
    },
    async find(idHash, now) {
      const found = state.sessions.get(idHash);
      return found && found.expiresAt > now ? { ...found } : undefined;
    },
    async delete(idHash) {
      state.sessions.delete(idHash);
    },
  };
}
