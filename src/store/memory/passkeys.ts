// Memory PasskeyStore: credentials and challenges in Maps, with the same counter and single-use rules as SQL.
import type { PasskeyChallenge, PasskeyCredential, PasskeyStore } from '../ports/index.ts';
import { clone } from './state.ts';

export function memoryPasskeys(): PasskeyStore {
  const credentials = new Map<string, PasskeyCredential>();
  const challenges = new Map<string, PasskeyChallenge>();
  const mine = (accountId: string, id: string) => {
    const found = credentials.get(id);
    return found?.accountId === accountId ? found : undefined;
  };
  return {
    async create(credential) {
      if (credentials.has(credential.id)) return false;
      credentials.set(credential.id, clone(credential));
      return true;
    },
    async find(id) {
      const found = credentials.get(id);
      return found && clone(found);
    },
    async listByAccount(accountId) {
      return [...credentials.values()]
        .filter((c) => c.accountId === accountId)
        .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id))
        .map(clone);
    },
    async rename(accountId, id, name) {
      const found = mine(accountId, id);
      if (found) found.name = name;
      return found !== undefined;
    },
    async remove(accountId, id) {
      return mine(accountId, id) !== undefined && credentials.delete(id);
    },
    async recordUse(id, use) {
      const found = credentials.get(id);
      if (!found) return 'unknown';
      if (use.counter <= found.counter && !(use.counter === 0 && found.counter === 0)) return 'counter';
      found.counter = use.counter;
      found.backedUp = use.backedUp;
      found.lastUsedAt = use.at;
      return 'recorded';
    },
    async saveChallenge(challenge, now) {
      for (const [key, c] of challenges) if (c.expiresAt <= now) challenges.delete(key);
      challenges.set(challenge.handleHash, { ...challenge });
    },
    async takeChallenge(handleHash, now) {
      const found = challenges.get(handleHash);
      challenges.delete(handleHash);
      return found && found.expiresAt > now ? found : undefined;
    },
  };
}
