// SSO sessions: stored only as the cookie's hash, found until they expire, and ending one ends its grants.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { endSession, findSession, startSession } from '../../../src/authn/sessions.ts';
import { sha256 } from '../../../src/shared/crypto.ts';
import { authnHarness, grantWithRefreshToken, NOW, SESSION_LIFETIME } from './helpers.ts';

const start = (h: ReturnType<typeof authnHarness>) =>
  startSession(
    { accountId: 'alice', authenticator: 'username-password', acr: 'urn:acr', lifetime: SESSION_LIFETIME },
    h.deps,
  );

test('startSession stores only the hash of the cookie value, with who, how (its first factor) and when', async () => {
  const h = authnHarness();
  const token = await start(h);
  assert.match(token, /^[A-Za-z0-9_-]{43}$/, '256 bits, base64url');
  const stored = await h.store.sessions.find(sha256(token), NOW);
  assert.deepEqual(stored, {
    idHash: sha256(token),
    accountId: 'alice',
    authenticator: 'username-password',
    acr: 'urn:acr',
    authTime: NOW,
    expiresAt: NOW + SESSION_LIFETIME,
    factors: [{ authenticator: 'username-password', amr: ['pwd'], at: NOW }],
    createdAt: NOW,
    lastSeen: NOW,
    userAgent: '',
    address: '',
  });
  assert.equal(await h.store.sessions.find(token, NOW), undefined, 'the raw value is not a key');
});

test('findSession finds a live session by its cookie value, and not once it has expired', async () => {
  const h = authnHarness();
  const token = await start(h);
  assert.equal((await findSession(token, h.deps))?.accountId, 'alice');
  h.clock.advance(SESSION_LIFETIME - 1);
  assert.ok(await findSession(token, h.deps), 'still live a second before expiry');
  h.clock.advance(1);
  assert.equal(await findSession(token, h.deps), undefined, 'expired at expiresAt');
});

test('findSession refuses no cookie, an unknown value and an over-long value without a store read', async () => {
  const h = authnHarness();
  await start(h);
  let reads = 0;
  const sessions = {
    ...h.store.sessions,
    find: (...args: Parameters<typeof h.store.sessions.find>) => {
      reads++;
      return h.store.sessions.find(...args);
    },
  };
  const deps = { sessions, clock: h.clock };
  assert.equal(await findSession(undefined, deps), undefined);
  assert.equal(await findSession('x'.repeat(101), deps), undefined);
  assert.equal(reads, 0, 'an over-long value is not hashed or looked up');
  assert.equal(await findSession('not-a-session', deps), undefined);
  assert.equal(reads, 1);
});

test('endSession deletes the session and revokes its grants without offline_access (OIDC Core §11)', async () => {
  const h = authnHarness();
  const token = await start(h);
  const other = await start(h);
  const bound = await grantWithRefreshToken(h, { grantId: 'g-bound', sessionToken: token });
  const offline = await grantWithRefreshToken(h, { grantId: 'g-offline', sessionToken: null });
  const elsewhere = await grantWithRefreshToken(h, { grantId: 'g-other', sessionToken: other });

  assert.equal(await endSession(token, h.deps), 1, 'one grant was bound to the session');
  assert.equal(await findSession(token, h.deps), undefined, 'the session is gone');
  assert.equal((await h.store.grants.findToken(bound))?.revoked, true, 'the session grant is revoked');
  assert.equal((await h.store.grants.findToken(offline))?.revoked, false, 'offline_access survives');
  assert.equal((await h.store.grants.findToken(elsewhere))?.revoked, false, 'another session is untouched');
  assert.ok(await findSession(other, h.deps), 'and so is that session');
});

test('endSession without a cookie, or with an over-long one, ends nothing', async () => {
  const h = authnHarness();
  const token = await start(h);
  await grantWithRefreshToken(h, { grantId: 'g', sessionToken: token });
  assert.equal(await endSession(undefined, h.deps), 0);
  assert.equal(await endSession('y'.repeat(101), h.deps), 0);
  assert.ok(await findSession(token, h.deps));
});
