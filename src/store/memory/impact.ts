// Memory ImpactStore: the counts the commit preview shows, read from the shared Maps.
import type { ImpactStore, StoredToken } from '../ports/index.ts';
import { consentKey, type MemoryState } from './state.ts';

const scopesOf = (scope: string) => scope.split(' ').filter((s) => s !== '');

export function memoryImpact(state: MemoryState): ImpactStore {
  const liveTokens = (clientId: string, now: number): StoredToken[] =>
    [...state.tokens.values()].filter(
      (t) =>
        t.clientId === clientId &&
        !t.revoked &&
        state.grants.get(t.grantId)?.revoked !== true &&
        t.expiresAt > now &&
        (t.kind === 'access_token' || t.rotatedAt === null),
    );
  return {
    async clientUsage(clientId, now) {
      const live = liveTokens(clientId, now);
      const accounts = new Set(live.map((t) => t.accountId).filter((a) => a !== ''));
      const withoutConsent = [...accounts].filter((a) => !state.consents.has(consentKey(a, clientId)));
      return {
        grants: new Set(live.map((t) => t.grantId)).size,
        refreshTokens: live.filter((t) => t.kind === 'refresh_token').length,
        accessTokens: live.filter((t) => t.kind === 'access_token').length,
        accounts: accounts.size,
        accountsWithoutConsent: withoutConsent.length,
        consents: [...state.consents.values()].filter((c) => c.clientId === clientId).length,
      };
    },
    async scopeUsage(clientId, scope, now) {
      return {
        refreshTokens: liveTokens(clientId, now).filter(
          (t) => t.kind === 'refresh_token' && scopesOf(t.scope).includes(scope),
        ).length,
        consents: [...state.consents.values()].filter(
          (c) => c.clientId === clientId && scopesOf(c.scope).includes(scope),
        ).length,
      };
    },
    async liveSessions(authenticator, now) {
      return [...state.sessions.values()].filter(
        (s) => s.authenticator === authenticator && s.expiresAt > now,
      ).length;
    },
  };
}
