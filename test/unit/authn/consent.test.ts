// Consent use cases: the pending request read from its replay URL, consent merged with earlier scopes, withdrawal.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  consentPage,
  decideConsent,
  giveConsent,
  readPendingConsent,
  withdrawConsent,
} from '../../../src/authn/consent.ts';
import { startSession } from '../../../src/authn/sessions.ts';
import { authnHarness, grantWithRefreshToken, NOW, recordingLog } from './helpers.ts';

const AUTHORIZE = '/oauth/v2/oauth-authorize';
const replay = (params: Record<string, string>) => `${AUTHORIZE}?${new URLSearchParams(params)}`;

test('readPendingConsent reads client and scopes from an authorization request, and nothing else', async () => {
  const { deps } = authnHarness();
  const returnTo = replay({ client_id: 'web', scope: 'openid  reports', response_type: 'code' });
  const pending = await readPendingConsent(returnTo, AUTHORIZE, deps);
  assert.equal(pending?.client.client_id, 'web');
  assert.deepEqual(pending?.scopes, ['openid', 'reports']);
  assert.equal(await readPendingConsent(replay({ client_id: 'unknown' }), AUTHORIZE, deps), undefined);
  assert.equal(
    await readPendingConsent('/authn/account', AUTHORIZE, deps),
    undefined,
    'not an authorization request',
  );
  assert.equal(await readPendingConsent('', AUTHORIZE, deps), undefined);
});

test('giveConsent merges the new scopes with the ones granted before', async () => {
  const h = authnHarness();
  await giveConsent('alice', 'web', ['openid', 'profile'], h.deps);
  h.clock.advance(5);
  await giveConsent('alice', 'web', ['profile', 'reports'], h.deps);
  const saved = await h.store.consents.find('alice', 'web');
  assert.equal(saved?.scope, 'openid profile reports');
  assert.equal(saved?.createdAt, NOW + 5);
});

test('decideConsent: invalid request, no session, deny and allow, with the consent_given event', async () => {
  const h = authnHarness();
  const log = recordingLog();
  const returnTo = replay({ client_id: 'web', scope: 'openid reports' });
  const decide = (sessionToken: string | undefined, allow: boolean, to = returnTo) =>
    decideConsent({ returnTo: to, authorizePath: AUTHORIZE, sessionToken, allow }, h.deps, log);

  assert.deepEqual(await decide(undefined, true, '/elsewhere'), { kind: 'invalid' });
  assert.deepEqual(await decide(undefined, true), { kind: 'login', returnTo });
  const token = await startSession(
    { accountId: 'alice', authenticator: 'username-password', acr: 'urn:acr', lifetime: 60 },
    h.deps,
  );
  assert.deepEqual(await decide(token, false), { kind: 'denied', returnTo });
  assert.equal(await h.store.consents.find('alice', 'web'), undefined, 'deny records nothing');
  assert.deepEqual(log.events, []);
  assert.deepEqual(await decide(token, true), { kind: 'given', returnTo });
  assert.equal((await h.store.consents.find('alice', 'web'))?.scope, 'openid reports');
  assert.deepEqual(log.events, ['info:consent_given']);
});

test('consentPage names the client, the user and each scope with its description', async () => {
  const h = authnHarness();
  await h.store.accounts.create({
    id: 'alice',
    username: 'Alice',
    passwordHash: 'x',
    claims: {},
    createdAt: NOW,
  });
  const token = await startSession(
    { accountId: 'alice', authenticator: 'username-password', acr: 'urn:acr', lifetime: 60 },
    h.deps,
  );
  const returnTo = replay({ client_id: 'web', scope: 'openid reports' });
  const page = await consentPage({ returnTo, authorizePath: AUTHORIZE, sessionToken: token }, h.deps);
  assert.equal(page.kind, 'ask');
  assert.equal(page.kind === 'ask' && page.username, 'Alice');
  assert.deepEqual(page.kind === 'ask' && page.scopes.map((s) => s.name), ['openid', 'reports']);
});

test('withdrawConsent deletes the consent and revokes every grant the client holds for the account', async () => {
  const h = authnHarness();
  await giveConsent('alice', 'web', ['openid'], h.deps);
  await giveConsent('alice', 'other', ['openid'], h.deps);
  const web = await grantWithRefreshToken(h, { grantId: 'g-web', sessionToken: null });
  const other = await grantWithRefreshToken(h, { grantId: 'g-other', clientId: 'other', sessionToken: null });
  await withdrawConsent({ id: 'alice' }, 'web', h.deps);
  assert.equal(await h.store.consents.find('alice', 'web'), undefined);
  assert.equal((await h.store.grants.findToken(web))?.revoked, true, 'offline or not, the grant ends');
  assert.ok(await h.store.consents.find('alice', 'other'), 'another client keeps its consent');
  assert.equal((await h.store.grants.findToken(other))?.revoked, false, 'and its grant');
});
