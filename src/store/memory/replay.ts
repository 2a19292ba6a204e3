// Memory ReplayStore: single-use keys until their expiry, checked and recorded without awaiting.
import type { ReplayStore } from '../ports/index.ts';
import type { MemoryState } from './state.ts';

export function memoryReplay(state: MemoryState): ReplayStore {
  return {
    async recordOnce(key, expiresAt, now) {
      const recorded = state.replayKeys.get(key);
      if (recorded && recorded.expiresAt > now) return false;
      state.replayKeys.set(key, { expiresAt });
      return true;
    },
  };
}
