// Commit impact: what going from one snapshot to another does to live data, computed from the two and the store's counts.
import type { Snapshot } from '../config/schema.ts';
import type { ClientUsage, ScopeUsage } from '../store/ports/index.ts';
import type { EntityKind } from './diff.ts';
import { registrationImpact } from './impact-registration.ts';
import { changedClient, count, removedAuthenticator, removedClient, verb } from './impact-rules.ts';

export interface ImpactItem {
  kind: EntityKind;
  id: string;
  /** ends: something live stops working; asks: users see a login or consent page again; limits: new requests are refused; restores: something stored works again; note: nothing live changes. */
  effect: 'ends' | 'asks' | 'limits' | 'restores' | 'note';
  text: string;
  tally: Partial<
    Record<'refreshUnusable' | 'grantsEnded' | 'consentAsked' | 'signInAgain' | 'secretRotated', number>
  > & {
    scopeLost?: string;
  };
}

export interface Impact {
  /** One line per kind of effect, totals across clients: "1,204 refresh tokens become unusable". */
  summary: string[];
  items: ImpactItem[];
}

/** What the store must count for a change: the clients touched, their changed scopes, the authenticators left behind. */
export interface ImpactQuestions {
  clients: string[];
  scopes: { clientId: string; scope: string }[];
  authenticators: string[];
}

export interface ImpactCounts {
  clients: ReadonlyMap<string, ClientUsage>;
  /** Keyed by `scopeKey(clientId, scope)`. */
  scopes: ReadonlyMap<string, ScopeUsage>;
  sessions: ReadonlyMap<string, number>;
}

export const scopeKey = (clientId: string, scope: string) => JSON.stringify([clientId, scope]);

const byId = <T>(list: readonly T[], key: (t: T) => string) => new Map(list.map((e) => [key(e), e]));

export function impactQuestions(before: Snapshot, after: Snapshot): ImpactQuestions {
  const now = byId(after.clients, (c) => c.client_id);
  const questions: ImpactQuestions = { clients: [], scopes: [], authenticators: [] };
  const kept = new Set(after.authenticators.map((a) => a.id));
  for (const b of before.clients) {
    const a = now.get(b.client_id);
    if (a && JSON.stringify(a) === JSON.stringify(b)) continue;
    questions.clients.push(b.client_id);
    if (!a) continue;
    const changed = [
      ...b.scopes.filter((s) => !a.scopes.includes(s)),
      ...a.scopes.filter((s) => !b.scopes.includes(s)),
    ];
    for (const scope of changed) questions.scopes.push({ clientId: b.client_id, scope });
    if (a.authenticator !== b.authenticator) questions.authenticators.push(b.authenticator);
  }
  for (const { id } of before.authenticators) if (!kept.has(id)) questions.authenticators.push(id);
  questions.authenticators = [...new Set(questions.authenticators)];
  return questions;
}

const NO_USAGE: ClientUsage = {
  grants: 0,
  refreshTokens: 0,
  accessTokens: 0,
  accounts: 0,
  accountsWithoutConsent: 0,
  consents: 0,
};

export function computeImpact(before: Snapshot, after: Snapshot, counts: ImpactCounts): Impact {
  const now = byId(after.clients, (c) => c.client_id);
  const items: ImpactItem[] = [];
  for (const b of before.clients) {
    const facts = {
      usage: counts.clients.get(b.client_id) ?? NO_USAGE,
      scope: (s: string) => counts.scopes.get(scopeKey(b.client_id, s)) ?? { refreshTokens: 0, consents: 0 },
      sessions: (id: string) => counts.sessions.get(id) ?? 0,
    };
    const a = now.get(b.client_id);
    if (!a) items.push(removedClient(b, facts));
    else if (JSON.stringify(a) !== JSON.stringify(b)) items.push(...changedClient(b, a, facts));
  }
  const kept = new Set(after.authenticators.map((a) => a.id));
  for (const { id } of before.authenticators) {
    if (!kept.has(id)) items.push(removedAuthenticator(id, counts.sessions.get(id) ?? 0));
  }
  items.push(...registrationImpact(before, after));
  return { summary: summarise(items), items };
}

function summarise(items: readonly ImpactItem[]): string[] {
  const total = (key: Exclude<keyof ImpactItem['tally'], 'scopeLost'>) =>
    items.reduce((sum, item) => sum + (item.tally[key] ?? 0), 0);
  const lost = new Map<string, number>();
  for (const { tally } of items)
    if (tally.scopeLost) lost.set(tally.scopeLost, (lost.get(tally.scopeLost) ?? 0) + 1);
  const lines = [...lost].map(([scope, n]) => `${count(n, 'client')} ${verb(n, 'loses', 'lose')} ${scope}`);
  const refresh = total('refreshUnusable');
  if (refresh > 0)
    lines.push(`${count(refresh, 'refresh token')} ${verb(refresh, 'becomes', 'become')} unusable`);
  const asked = total('consentAsked');
  if (asked > 0) lines.push(`${count(asked, 'user')} will be asked for consent again`);
  const signIn = total('signInAgain');
  if (signIn > 0) lines.push(`${count(signIn, 'user')} must sign in again`);
  const secrets = total('secretRotated');
  if (secrets > 0) lines.push(`${count(secrets, 'client')} must be given a new secret before the commit`);
  for (const item of items)
    if (item.kind === 'client' && item.tally.grantsEnded !== undefined) lines.push(item.text.split(';')[0]!);
  return lines;
}
