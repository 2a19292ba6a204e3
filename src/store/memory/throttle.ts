// Memory ThrottleStore: failed logins per key in an open window.
import type { ThrottleStore } from '../ports/index.ts';
import type { MemoryState } from './state.ts';

export function memoryThrottle(state: MemoryState): ThrottleStore {
  return {
    async failures(key, now) {
      const entry = state.loginFailures.get(key);
      return entry && entry.expiresAt > now ? { ...entry } : undefined;
    },
    async recordFailure(key, now, windowSeconds) {
      const entry = state.loginFailures.get(key);
      if (entry && entry.expiresAt > now) entry.count += 1;
      else state.loginFailures.set(key, { count: 1, expiresAt: now + windowSeconds });
    },
    async clear(key) {
      state.loginFailures.delete(key);
    },
  };
}
