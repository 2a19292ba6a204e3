// Memory RegistrationStore: registered clients and initial access tokens in Maps, the same contract as SQL.
import type { InitialAccessToken, RegisteredClient, RegistrationStore } from '../ports/index.ts';
import { clone } from './state.ts';

export function memoryRegistration(): RegistrationStore {
  const clients = new Map<string, RegisteredClient>();
  const tokens = new Map<string, InitialAccessToken>();
  return {
    async create(client) {
      if (clients.has(client.clientId)) throw new Error('duplicate client_id');
      clients.set(client.clientId, clone(client));
    },
    async find(clientId) {
      const found = clients.get(clientId);
      return found && clone(found);
    },
    async list(limit) {
      return [...clients.values()]
        .sort((a, b) => b.createdAt - a.createdAt || a.clientId.localeCompare(b.clientId))
        .slice(0, limit)
        .map(clone);
    },
    async update(clientId, change) {
      const found = clients.get(clientId);
      if (!found) return false;
      clients.set(clientId, { ...found, ...clone(change) });
      return true;
    },
    async setDisabled(clientId, disabled) {
      const found = clients.get(clientId);
      if (found) found.disabled = disabled;
      return found !== undefined;
    },
    async touch(clientId, at) {
      const found = clients.get(clientId);
      if (found && (found.lastUsedAt === null || found.lastUsedAt < at)) found.lastUsedAt = at;
    },
    async delete(clientId) {
      return clients.delete(clientId);
    },
    async deleteUnused(before) {
      const gone = [...clients.values()].filter((c) => (c.lastUsedAt ?? c.createdAt) < before);
      for (const c of gone) clients.delete(c.clientId);
      return gone.map((c) => c.clientId);
    },
    async createInitialToken(token) {
      if ([...tokens.values()].some((t) => t.id === token.id || t.tokenHash === token.tokenHash))
        throw new Error('duplicate initial access token');
      tokens.set(token.id, clone(token));
    },
    async listInitialTokens() {
      return [...tokens.values()]
        .sort((a, b) => b.createdAt - a.createdAt || a.id.localeCompare(b.id))
        .map(clone);
    },
    async useInitialToken(tokenHash, now) {
      const t = [...tokens.values()].find((x) => x.tokenHash === tokenHash);
      if (!t || t.revoked || (t.expiresAt !== null && t.expiresAt <= now)) return undefined;
      if (t.usesLeft !== null) {
        if (t.usesLeft <= 0) return undefined;
        t.usesLeft -= 1;
      }
      return clone(t);
    },
    async revokeInitialToken(id) {
      const t = tokens.get(id);
      if (t) t.revoked = true;
      return t !== undefined;
    },
  };
}
