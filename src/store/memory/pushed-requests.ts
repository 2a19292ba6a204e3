// Memory PushedRequestStore: pushed authorization requests by hash, taken once and only before they expire.
import type { PushedRequestStore } from '../ports/index.ts';
import { clone, type MemoryState } from './state.ts';

export function memoryPushedRequests(state: MemoryState): PushedRequestStore {
  return {
    async push(request) {
      if (state.pushedRequests.has(request.hash)) throw new Error('duplicate pushed request hash');
      state.pushedRequests.set(request.hash, { ...clone(request), used: false });
    },
    async take(hash, now) {
      const found = state.pushedRequests.get(hash);
      if (!found || found.used || found.expiresAt <= now) return undefined;
      found.used = true;
      const { used: _, ...request } = found;
      return clone(request);
    },
  };
}
