// Memory KeyStore: signing keys in creation order, data keys by purpose.
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
    async resealSigningKey(kid, from, to) {
      const found = state.keys.find((k) => k.kid === kid);
      if (!found || found.privateKey !== from) return false;
      found.privateKey = to;
      return true;
    },
    async dataKeys() {
      return [...state.dataKeys.values()]
        .map((k) => ({ ...k }))
        .sort((a, b) => (a.purpose < b.purpose ? -1 : a.purpose > b.purpose ? 1 : 0));
    },
    async insertDataKey(key) {
      if (state.dataKeys.has(key.purpose)) return false;
      state.dataKeys.set(key.purpose, { ...key });
      return true;
    },
    async resealDataKey(purpose, from, to) {
      const found = state.dataKeys.get(purpose);
      if (!found || found.sealed !== from) return false;
      found.sealed = to;
      return true;
    },
  };
}
