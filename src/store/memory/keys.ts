// Memory KeyStore: signing keys in creation order.
import type { KeyStore } from '../ports/index.ts';
import type { MemoryState } from './state.ts';

export function memoryKeys(state: MemoryState): KeyStore {
  return {
    async list() {
      // Oldest first, ties by kid: every node must agree on the order (as the SQL stores do).
      return state.keys
        .map((k) => ({ ...k }))
        .sort((a, b) => a.createdAt - b.createdAt || (a.kid < b.kid ? -1 : a.kid > b.kid ? 1 : 0));
    },
    async insertFirst(key) {
      if (state.keys.some((k) => k.alg === key.alg && k.retiredAt === null)) return false;
      state.keys.push({ ...key });
      return true;
    },
    async insert(key) {
      if (!state.keys.some((k) => k.kid === key.kid)) state.keys.push({ ...key });
    },
    async retire(kid, at) {
      const found = state.keys.find((k) => k.kid === kid);
      if (found && found.retiredAt === null) found.retiredAt = at;
    },
    async delete(kid) {
      const index = state.keys.findIndex((k) => k.kid === kid);
      if (index >= 0) state.keys.splice(index, 1);
    },
  };
}
