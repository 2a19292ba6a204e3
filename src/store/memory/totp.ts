// Memory TotpStore: credentials and recovery codes in Maps, with the same single-use rules as the SQL stores.
import type { TotpCredential, TotpStore } from '../ports/index.ts';
import { clone } from './state.ts';

export function memoryTotp(): TotpStore {
  const credentials = new Map<string, TotpCredential>();
  /** account -> code hash -> used at (null: unused). */
  const recovery = new Map<string, Map<string, number | null>>();
  return {
    async find(accountId) {
      const found = credentials.get(accountId);
      return found && clone(found);
    },
    async startEnrolment(credential) {
      if (credentials.get(credential.accountId)?.confirmedAt != null) return false;
      credentials.set(credential.accountId, { ...credential, confirmedAt: null });
      return true;
    },
    async confirm(accountId, step, now) {
      const found = credentials.get(accountId);
      if (!found || found.confirmedAt !== null) return false;
      found.confirmedAt = now;
      found.lastStep = step;
      return true;
    },
    async useStep(accountId, step) {
      const found = credentials.get(accountId);
      if (!found || found.confirmedAt === null || found.lastStep >= step) return false;
      found.lastStep = step;
      return true;
    },
    async remove(accountId) {
      recovery.delete(accountId);
      return credentials.delete(accountId);
    },
    async replaceRecoveryCodes(accountId, hashes) {
      recovery.set(accountId, new Map(hashes.map((h) => [h, null])));
    },
    async useRecoveryCode(accountId, hash, now) {
      const codes = recovery.get(accountId);
      if (!codes || !codes.has(hash) || codes.get(hash) !== null) return false;
      codes.set(hash, now);
      return true;
    },
    async recoveryCodesLeft(accountId) {
      return [...(recovery.get(accountId)?.values() ?? [])].filter((v) => v === null).length;
    },
  };
}
