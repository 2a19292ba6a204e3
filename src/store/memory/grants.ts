// Memory GrantStore: codes, tokens and grants. Each primitive runs to completion without awaiting, so on
// one event loop it is as atomic as the SQL engines' transactions.
import type { GrantStore, TokenRecord } from '../ports/index.ts';
import type { MemoryState } from './state.ts';

const lastExpiry = (tokens: readonly TokenRecord[]) =>
  Math.max(0, ...tokens.map((t) => Math.max(t.expiresAt, t.familyExpiresAt ?? 0)));

export function memoryGrants(state: MemoryState): GrantStore {
  const insert = (list: readonly TokenRecord[]) => {
    for (const t of list) {
      if (state.tokens.has(t.hash)) throw new Error('duplicate token hash');
      state.tokens.set(t.hash, { ...t, revoked: false, rotatedAt: null });
    }
  };
  /** Extends a live grant; false when it was revoked or never recorded. */
  const live = (grantId: string, list: readonly TokenRecord[]) => {
    const grant = state.grants.get(grantId);
    if (!grant || grant.revoked) return false;
    grant.expiresAt = Math.max(grant.expiresAt, lastExpiry(list));
    return true;
  };
  const revokeGrant = (grantId: string) => {
    const grant = state.grants.get(grantId);
    if (grant) grant.revoked = true;
    for (const token of state.tokens.values()) if (token.grantId === grantId) token.revoked = true;
  };
  const revokeWhere = (
    match: (grant: { accountId: string; clientId: string; sessionHash: string | null }) => boolean,
  ) => {
    let count = 0;
    for (const [id, grant] of state.grants) {
      if (grant.revoked || !match(grant)) continue;
      revokeGrant(id);
      count += 1;
    }
    return count;
  };

  const issue = (grantId: string, from: string | null, now: number, tokens: readonly TokenRecord[]) => {
    if (from !== null) {
      const token = state.tokens.get(from);
      if (!token || token.revoked || token.expiresAt <= now) return { status: 'revoked' } as const;
    }
    if (!live(grantId, tokens)) return { status: 'revoked' } as const;
    insert(tokens);
    return { status: 'issued' } as const;
  };

  return {
    async openGrant(grant, now, tokens) {
      if (!state.grants.has(grant.id)) {
        const { id: _, ...row } = grant;
        state.grants.set(grant.id, { ...row, revoked: false });
      }
      return issue(grant.id, null, now, tokens);
    },
    async saveCode(code) {
      if (state.codes.has(code.hash)) throw new Error('duplicate code hash');
      const grant = state.grants.get(code.grantId);
      if (grant) grant.expiresAt = Math.max(grant.expiresAt, code.expiresAt);
      else {
        state.grants.set(code.grantId, {
          clientId: code.clientId,
          accountId: code.accountId,
          sessionHash: code.sessionHash,
          expiresAt: code.expiresAt,
          revoked: false,
        });
      }
      state.codes.set(code.hash, { ...code, used: false });
    },
    async findCode(hash) {
      const found = state.codes.get(hash);
      return found && { ...found, sessionHash: state.grants.get(found.grantId)?.sessionHash ?? null };
    },
    async consumeCode(hash, _now, tokens) {
      const code = state.codes.get(hash);
      if (!code) return { status: 'missing' };
      // A grant bound to an SSO session that has since ended (a logout between the authorization request's
      // session check and the code's save) must not be redeemed.
      const sessionHash = state.grants.get(code.grantId)?.sessionHash ?? null;
      if (sessionHash !== null && !state.sessions.has(sessionHash)) return { status: 'revoked' };
      if (!live(code.grantId, tokens)) return { status: 'revoked' };
      if (code.used) return { status: 'used', grantId: code.grantId };
      code.used = true;
      insert(tokens);
      return { status: 'consumed' };
    },
    async rotateRefreshToken(hash, now, successors) {
      const token = state.tokens.get(hash);
      if (!token) return { status: 'missing' };
      if (token.revoked || token.expiresAt <= now) return { status: 'revoked' };
      if (token.rotatedAt !== null) {
        return { status: 'already_rotated', rotatedAt: token.rotatedAt, grantId: token.grantId };
      }
      if (!live(token.grantId, successors)) return { status: 'revoked' };
      token.rotatedAt = now;
      insert(successors);
      return { status: 'rotated' };
    },
    async issue(grantId, from, now, tokens) {
      return issue(grantId, from, now, tokens);
    },
    async findToken(hash) {
      const found = state.tokens.get(hash);
      return found && { ...found };
    },
    async revokeGrant(grantId) {
      revokeGrant(grantId);
    },
    async revokeToken(hash) {
      const found = state.tokens.get(hash);
      if (found) found.revoked = true;
      return found !== undefined;
    },
    async revokeClientGrants(accountId, clientId) {
      revokeWhere((g) => g.accountId === accountId && g.clientId === clientId);
      for (const token of state.tokens.values()) {
        if (token.accountId === accountId && token.clientId === clientId) token.revoked = true;
      }
    },
    async revokeAllClientGrants(clientId) {
      revokeWhere((g) => g.clientId === clientId);
      for (const token of state.tokens.values()) if (token.clientId === clientId) token.revoked = true;
    },
    async revokeSessionGrants(sessionHash) {
      return revokeWhere((g) => g.sessionHash === sessionHash);
    },
  };
}
