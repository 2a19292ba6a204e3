// Memory EmailTokenStore: email links by hash in a Map; a use is checked and recorded in one step.
import type { EmailToken, EmailTokenStore } from '../ports/index.ts';
import { clone, type MemoryState } from './state.ts';

export function memoryEmailTokens(state: MemoryState): EmailTokenStore {
  const live = (hash: string, purpose: string, now: number) => {
    const row = state.emailTokens.get(hash);
    return row && row.purpose === purpose && row.usedAt === null && row.expiresAt > now ? row : undefined;
  };
  const record = ({ usedAt: _used, ...token }: EmailToken & { usedAt: number | null }): EmailToken =>
    clone(token);
  return {
    async create(token) {
      if (state.emailTokens.has(token.hash)) throw new Error('duplicate email token hash');
      state.emailTokens.set(token.hash, { ...clone(token), usedAt: null });
    },
    async find(hash, purpose, now) {
      const row = live(hash, purpose, now);
      return row && record(row);
    },
    async consume(hash, purpose, now) {
      const row = live(hash, purpose, now);
      if (!row) return undefined;
      row.usedAt = now;
      return record(row);
    },
    async revokeForAccount(accountId, purpose) {
      let ended = 0;
      for (const [hash, row] of state.emailTokens)
        if (row.accountId === accountId && row.purpose === purpose && row.usedAt === null) {
          state.emailTokens.delete(hash);
          ended++;
        }
      return ended;
    },
    async purge(now) {
      let deleted = 0;
      for (const [hash, row] of state.emailTokens)
        if (row.usedAt !== null || row.expiresAt <= now) {
          state.emailTokens.delete(hash);
          deleted++;
        }
      return deleted;
    },
  };
}
