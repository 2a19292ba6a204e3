// Session factors and last use: a second factor is appended to the live session, lastSeen is written at most
// once a minute (so authorize stays one read), and nothing is added to an ended session.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  addFactor,
  findSession,
  LAST_SEEN_INTERVAL,
  startSession,
  touchSession,
} from '../../../src/authn/sessions.ts';
import { sha256 } from '../../../src/shared/crypto.ts';
import { authnHarness, NOW, SESSION_LIFETIME } from './helpers.ts';

const start = (h: ReturnType<typeof authnHarness>) =>
  startSession(
    {
      accountId: 'alice',
      authenticator: 'username-password',
      acr: 'urn:acr',
      lifetime: SESSION_LIFETIME,
      userAgent: 'Mozilla/5.0\u0000 (X11)',
      address: '192.0.2.9',
    },
    h.deps,
  );

test('the session keeps its browser (control characters removed) and address for the account page', async () => {
  const h = authnHarness();
  const session = await findSession(await start(h), h.deps);
  assert.equal(session?.userAgent, 'Mozilla/5.0 (X11)');
  assert.equal(session?.address, '192.0.2.9');
  assert.deepEqual(session?.factors, [{ authenticator: 'username-password', amr: ['pwd'], at: NOW }]);
});

test('addFactor appends the verified factor with its time; an ended session takes none', async () => {
  const h = authnHarness();
  const token = await start(h);
  h.clock.advance(5);
  assert.equal(
    await addFactor({ idHash: sha256(token) }, { authenticator: 'app-codes', amr: ['otp'] }, h.deps),
    true,
  );
  const session = await findSession(token, h.deps);
  assert.deepEqual(session?.factors.at(-1), { authenticator: 'app-codes', amr: ['otp'], at: NOW + 5 });
  await h.store.sessions.delete(sha256(token));
  assert.equal(
    await addFactor({ idHash: sha256(token) }, { authenticator: 'app-codes', amr: ['otp'] }, h.deps),
    false,
  );
});

test('touchSession writes lastSeen only once a minute has passed', async () => {
  const h = authnHarness();
  const token = await start(h);
  let writes = 0;
  const touch = h.store.sessions.touch.bind(h.store.sessions);
  h.store.sessions.touch = async (idHash, now) => {
    writes++;
    await touch(idHash, now);
  };
  h.clock.advance(LAST_SEEN_INTERVAL - 1);
  await touchSession((await findSession(token, h.deps))!, h.deps);
  assert.equal(writes, 0, 'within the minute: no write');
  h.clock.advance(1);
  await touchSession((await findSession(token, h.deps))!, h.deps);
  assert.equal(writes, 1);
  assert.equal((await findSession(token, h.deps))?.lastSeen, NOW + LAST_SEEN_INTERVAL);
});
