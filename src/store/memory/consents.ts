// Memory ConsentStore: one consent per account and client.
import type { ConsentStore } from '../ports/index.ts';
import { consentKey, type MemoryState } from './state.ts';

export function memoryConsents(state: MemoryState): ConsentStore {
  return {
    async find(accountId, clientId) {
      const found = state.consents.get(consentKey(accountId, clientId));
      return found && { ...found };
    },
    async save(consent) {
      state.consents.set(consentKey(consent.accountId, consent.clientId), { ...consent });
    },
    async list(accountId) {
      return [...state.consents.values()].filter((c) => c.accountId === accountId).map((c) => ({ ...c }));
    },
    async delete(accountId, clientId) {
      state.consents.delete(consentKey(accountId, clientId));
    },
  };
}
