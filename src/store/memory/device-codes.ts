// Memory DeviceCodeStore: device authorization requests in a Map, each state change checked and made at once.
import type { DeviceCode, DeviceCodeStore } from '../ports/index.ts';
import { clone, type MemoryState } from './state.ts';

export function memoryDeviceCodes(state: MemoryState): DeviceCodeStore {
  const byUserCode = (userCodeHash: string): DeviceCode | undefined => {
    for (const row of state.deviceCodes.values()) if (row.userCodeHash === userCodeHash) return row;
    return undefined;
  };
  return {
    async create(record) {
      if (byUserCode(record.userCodeHash)) return false;
      if (state.deviceCodes.has(record.hash)) throw new Error('duplicate device code hash');
      state.deviceCodes.set(record.hash, {
        ...clone(record),
        status: 'pending',
        accountId: null,
        authTime: null,
        acr: null,
        amr: null,
        lastPolledAt: null,
      });
      return true;
    },
    async findPending(userCodeHash, now) {
      const row = byUserCode(userCodeHash);
      return row && row.status === 'pending' && row.expiresAt > now ? clone(row) : undefined;
    },
    async decide(userCodeHash, now, decision) {
      const row = byUserCode(userCodeHash);
      if (!row || row.status !== 'pending' || row.expiresAt <= now) return false;
      row.accountId = decision.accountId;
      if (decision.kind === 'approve') {
        row.status = 'approved';
        row.authTime = decision.authTime;
        row.acr = decision.acr;
        row.amr = decision.amr;
      } else {
        row.status = 'denied';
      }
      return true;
    },
    async poll(hash, now) {
      const row = state.deviceCodes.get(hash);
      if (!row) return undefined;
      const before = clone(row);
      row.lastPolledAt = now;
      return before;
    },
    async slowDown(hash, seconds) {
      const row = state.deviceCodes.get(hash);
      if (!row) return 0;
      row.interval += seconds;
      return row.interval;
    },
    async consume(hash, now) {
      const row = state.deviceCodes.get(hash);
      if (!row || row.status !== 'approved' || row.expiresAt <= now) return false;
      row.status = 'consumed';
      return true;
    },
  };
}
