// Memory MaintenanceStore: expired rows purged in batches under a lease; always ready (no database, no schema).
import type { MaintenanceStore } from '../ports/index.ts';
import type { MemoryState } from './state.ts';

export function memoryMaintenance(state: MemoryState): MaintenanceStore {
  return {
    async purgeExpired(holder, now, batch) {
      if (state.lease && state.lease.holder !== holder && state.lease.expiresAt >= now) return null;
      state.lease = { holder, expiresAt: now + 120 };
      let deleted = 0;
      const tables = [
        state.codes,
        state.tokens,
        state.sessions,
        state.loginFailures,
        state.grants,
        state.replayKeys,
        state.pushedRequests,
        state.deviceCodes,
        state.emailTokens,
      ] as Map<string, { expiresAt: number }>[];
      for (const map of tables) {
        for (const [key, row] of map) {
          if (deleted >= batch) break;
          if (row.expiresAt < now) {
            map.delete(key);
            deleted += 1;
          }
        }
      }
      return deleted;
    },
    async readiness() {
      return { database: { ok: true }, schema: { ok: true, version: null, nodeVersion: null } };
    },
  };
}
