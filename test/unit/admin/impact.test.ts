// Commit impact: each config change names what it does to live data, counted from the store, by the protocol's rules.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computeImpact, type ImpactCounts, impactQuestions, scopeKey } from '../../../src/admin/impact.ts';
import { measureImpact } from '../../../src/admin/impact-count.ts';
import { createMemoryStore } from '../../../src/store/memory/index.ts';
import type { TokenRecord } from '../../../src/store/ports/index.ts';
import { client, NOW, snapshotOf } from './helpers.ts';

const usage = (over: Partial<ReturnType<typeof zero>> = {}) => ({ ...zero(), ...over });
const zero = () => ({
  grants: 0,
  refreshTokens: 0,
  accessTokens: 0,
  accounts: 0,
  accountsWithoutConsent: 0,
  consents: 0,
});
const counts = (over: Partial<ImpactCounts> = {}): ImpactCounts => ({
  clients: new Map(),
  scopes: new Map(),
  sessions: new Map(),
  ...over,
});
const texts = (impact: { items: { text: string }[] }) => impact.items.map((i) => i.text);

test('a removed client: its live grants end and its refresh tokens become unusable, in the summary too', () => {
  const before = snapshotOf({ clients: [client('www'), client('app')] });
  const after = snapshotOf({ clients: [client('app')] });
  const impact = computeImpact(
    before,
    after,
    counts({ clients: new Map([['www', usage({ grants: 57, refreshTokens: 1204, accessTokens: 9 })]]) }),
  );
  assert.equal(impact.items.length, 1);
  assert.equal(impact.items[0]!.effect, 'ends');
  assert.match(
    impact.items[0]!.text,
    /client www is removed: its 57 live grants end; 1,204 refresh tokens and 9 access tokens become unusable/,
  );
  assert.deepEqual(impact.summary, [
    '1,204 refresh tokens become unusable',
    'client www is removed: its 57 live grants end',
  ]);
});

test('refresh tokens turned off make every live one unusable (the refresh grant answers unauthorized_client); on again restores them', () => {
  const on = snapshotOf({ clients: [client('www')] });
  const off = snapshotOf({ clients: [client('www', { refresh_token: { enabled: false } })] });
  const c = counts({ clients: new Map([['www', usage({ refreshTokens: 3 })]]) });
  assert.deepEqual(computeImpact(on, off, c).summary, ['3 refresh tokens become unusable']);
  const back = computeImpact(off, on, c);
  assert.equal(back.items[0]!.effect, 'restores');
  assert.match(back.items[0]!.text, /3 refresh tokens issued before work again/);
});

test('a scope taken from a client refuses new requests but its refresh tokens keep it (RFC 6749 §6): "2 clients lose offline_access"', () => {
  const scopes = ['openid', 'offline_access'];
  const before = snapshotOf({ clients: [client('a', { scopes }), client('b', { scopes })] });
  const after = snapshotOf({ clients: [client('a'), client('b')] });
  const c = counts({
    scopes: new Map([[scopeKey('a', 'offline_access'), { refreshTokens: 4, consents: 0 }]]),
  });
  const impact = computeImpact(before, after, c);
  assert.deepEqual(impact.summary, ['2 clients lose offline_access']);
  assert.match(
    texts(impact)[0]!,
    /a loses offline_access: new authorization requests for it are refused; 4 live refresh tokens that carry it keep it/,
  );
  assert.deepEqual(impactQuestions(before, after).scopes, [
    { clientId: 'a', scope: 'offline_access' },
    { clientId: 'b', scope: 'offline_access' },
  ]);
});

test('consent turned on asks the users with live grants and no consent', () => {
  const before = snapshotOf({ clients: [client('www')] });
  const after = snapshotOf({ clients: [client('www', { consent_required: true })] });
  const impact = computeImpact(
    before,
    after,
    counts({ clients: new Map([['www', usage({ accounts: 50, accountsWithoutConsent: 38 })]]) }),
  );
  assert.deepEqual(impact.summary, ['38 users will be asked for consent again']);
  assert.equal(impact.items[0]!.effect, 'asks');
});

test('a scope added to a consent client asks the users whose consent does not cover it', () => {
  const before = snapshotOf({ clients: [client('www', { consent_required: true })] });
  const after = snapshotOf({
    clients: [client('www', { consent_required: true, scopes: ['openid', 'email'] })],
  });
  const c = counts({
    clients: new Map([['www', usage({ consents: 10 })]]),
    scopes: new Map([[scopeKey('www', 'email'), { refreshTokens: 0, consents: 3 }]]),
  });
  assert.deepEqual(computeImpact(before, after, c).summary, ['7 users will be asked for consent again']);
});

test("another authenticator: sessions of the old one no longer count, so the client's users sign in again", () => {
  const authenticators = [
    { id: 'username-password', type: 'html-form' as const },
    { id: 'staff', type: 'html-form' as const },
  ];
  const before = snapshotOf({ authenticators, clients: [client('www')] });
  const after = snapshotOf({ authenticators, clients: [client('www', { authenticator: 'staff' })] });
  assert.deepEqual(impactQuestions(before, after).authenticators, ['username-password']);
  const impact = computeImpact(
    before,
    after,
    counts({
      clients: new Map([['www', usage({ accounts: 12 })]]),
      sessions: new Map([['username-password', 40]]),
    }),
  );
  assert.match(
    texts(impact)[0]!,
    /40 live sessions made with username-password no longer count for it; its 12 users with live grants sign in again/,
  );
  assert.deepEqual(impact.summary, ['12 users must sign in again']);
});

test('a removed redirect URI, shorter lifetimes and a new secret: nothing stored changes, but the words say what does', () => {
  const before = snapshotOf({
    clients: [client('www', { redirect_uris: ['https://app.example/cb', 'https://old.example/cb'] })],
  });
  const after = snapshotOf({
    clients: [client('www', { secret_hash: 'hmac-sha256:y', access_token_lifetime: 60 })],
  });
  const impact = computeImpact(
    before,
    after,
    counts({ clients: new Map([['www', usage({ refreshTokens: 2 })]]) }),
  );
  const all = texts(impact).join('\n');
  assert.match(
    all,
    /no longer accepts redirect URI https:\/\/old\.example\/cb: authorization requests naming it are refused; nothing stored changes/,
  );
  assert.match(all, /access token lifetime shortens from 300 s to 60 s: nothing live changes/);
  assert.match(all, /secret is replaced: the old one stops working at the commit/);
  assert.deepEqual(impact.summary, ['1 client must be given a new secret before the commit']);
});

test('an added client or an unchanged one affects nothing live', () => {
  const before = snapshotOf({ clients: [client('www')] });
  const after = snapshotOf({ clients: [client('www'), client('new')] });
  assert.deepEqual(computeImpact(before, after, counts()), { summary: [], items: [] });
  assert.deepEqual(impactQuestions(before, after).clients, []);
});

test('measureImpact counts from the store: a removed client with a live and a revoked grant ends one', async () => {
  const store = createMemoryStore();
  const t = (hash: string, grantId: string, kind: TokenRecord['kind']): TokenRecord => ({
    hash,
    kind,
    grantId,
    clientId: 'www',
    accountId: 'acct',
    scope: 'openid',
    authTime: NOW,
    acr: '0',
    issuedAt: NOW,
    expiresAt: NOW + 600,
    familyExpiresAt: null,
    claims: null,
    audience: null,
    jkt: null,
  });
  for (const id of ['g1', 'g2']) {
    const grant = { id, clientId: 'www', accountId: 'acct', sessionHash: null, expiresAt: NOW + 600 };
    await store.grants.openGrant(grant, NOW, [
      t(`a-${id}`, id, 'access_token'),
      t(`r-${id}`, id, 'refresh_token'),
    ]);
  }
  await store.grants.revokeGrant('g2', NOW);
  const impact = await measureImpact(
    store.impact,
    NOW + 1,
    snapshotOf({ clients: [client('www')] }),
    snapshotOf(),
  );
  assert.match(
    impact.items[0]!.text,
    /its 1 live grant ends; 1 refresh token and 1 access token become unusable/,
  );
});
