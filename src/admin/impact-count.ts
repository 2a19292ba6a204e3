// Counts what the store holds for a change's impact and computes it: the one place impact touches the store.
import type { Snapshot } from '../config/schema.ts';
import type { ClientUsage, ImpactStore, ScopeUsage } from '../store/ports/index.ts';
import { computeImpact, type Impact, impactQuestions, scopeKey } from './impact.ts';

export async function measureImpact(
  store: ImpactStore,
  now: number,
  before: Snapshot,
  after: Snapshot,
): Promise<Impact> {
  const q = impactQuestions(before, after);
  const clients = new Map<string, ClientUsage>();
  for (const id of q.clients) clients.set(id, await store.clientUsage(id, now));
  const scopes = new Map<string, ScopeUsage>();
  for (const { clientId, scope } of q.scopes) {
    scopes.set(scopeKey(clientId, scope), await store.scopeUsage(clientId, scope, now));
  }
  const sessions = new Map<string, number>();
  for (const id of q.authenticators) sessions.set(id, await store.liveSessions(id, now));
  return computeImpact(before, after, { clients, scopes, sessions });
}
