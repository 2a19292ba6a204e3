// Email verification use cases: a 24-hour single-use link stored only as its keyed hash, older links ended by a new
// one, throttled per account and per address; using it verifies exactly the address it went to, once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  changeAddressAndSend,
  SEND_WINDOW,
  SENDS_PER_ACCOUNT,
  SENDS_PER_ADDRESS,
  sendVerification,
  VERIFY_LINK_LIFETIME,
  verificationLinkLive,
  verifyEmail,
} from '../../../../src/authn/email/verification.ts';
import type { Account } from '../../../../src/store/ports/index.ts';
import { type AuthnHarness, authnHarness, NOW } from '../helpers.ts';

const ASKER = { address: '192.0.2.9', languages: ['de-CH'] };

async function account(h: AuthnHarness, id: string, claims: Record<string, unknown>): Promise<Account> {
  return h.store.accounts.create({ id, username: id, passwordHash: 'x', claims, createdAt: NOW });
}

/** The token in the link of the last message sent. */
function lastToken(h: AuthnHarness): string {
  const link = String(h.sent.at(-1)?.data['link']);
  return new URL(link).searchParams.get('token')!;
}

const claimsOf = async (h: AuthnHarness, id: string) => (await h.store.accounts.findById(id))!.claims;

test('a link is sent to the account address in the asked languages; only the keyed hash of its token is stored', async () => {
  const h = authnHarness();
  const ana = await account(h, 'ana', {
    email: 'ana@example.com',
    email_verified: false,
    name: 'Ana',
    locale: 'pt_BR',
  });
  assert.deepEqual(await sendVerification(ana, ASKER, h.deps), { kind: 'sent', email: 'ana@example.com' });
  assert.equal(h.sent.length, 1);
  const [mail] = h.sent;
  assert.equal(mail!.to, 'ana@example.com');
  assert.equal(mail!.template, 'verify-email');
  assert.deepEqual(mail!.languages, ['de-CH', 'pt-BR'], "the browser's languages, then the account's locale");
  assert.equal(mail!.data['name'], 'Ana');
  assert.equal(mail!.data['hours'], 24);
  const token = lastToken(h);
  assert.match(token, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(
    await h.store.emailTokens.find(token, 'verify_email', NOW),
    undefined,
    'the token itself is no key',
  );
  const stored = await h.store.emailTokens.find(h.deps.emailLinkHash(token), 'verify_email', NOW);
  assert.deepEqual(stored, {
    hash: h.deps.emailLinkHash(token),
    purpose: 'verify_email',
    accountId: 'ana',
    email: 'ana@example.com',
    createdAt: NOW,
    expiresAt: NOW + VERIFY_LINK_LIFETIME,
  });
  assert.equal(
    await h.store.emailTokens.find(stored!.hash, 'reset_password', NOW),
    undefined,
    'not a reset link',
  );
});

test('using the link verifies the address once: the claim turns true, an audit event, the link used up', async () => {
  const h = authnHarness();
  const ana = await account(h, 'ana', { email: 'ana@example.com', email_verified: false });
  await sendVerification(ana, ASKER, h.deps);
  const token = lastToken(h);
  assert.equal(await verificationLinkLive(token, h.deps), true);
  assert.equal(await verificationLinkLive(token, h.deps), true, 'looking does not use it');
  const outcome = await verifyEmail(token, ASKER, h.deps);
  assert.equal(outcome.kind, 'verified');
  assert.equal((await claimsOf(h, 'ana'))['email_verified'], true);
  const events = await h.store.audit.list({ types: ['email.verified'], limit: 10 });
  assert.deepEqual(
    events.map((e) => [e.accountId, e.address, e.detail]),
    [['ana', ASKER.address, { via: 'link' }]],
  );
  assert.ok(!JSON.stringify(events).includes(token), 'the audit log never holds the token');
  assert.deepEqual(await verifyEmail(token, ASKER, h.deps), { kind: 'invalid' }, 'a second use');
  assert.equal(await verificationLinkLive(token, h.deps), false);
});

test('the link works for 24 hours and no longer', async () => {
  const h = authnHarness();
  const ana = await account(h, 'ana', { email: 'ana@example.com' });
  await sendVerification(ana, ASKER, h.deps);
  const token = lastToken(h);
  h.clock.advance(VERIFY_LINK_LIFETIME - 1);
  assert.equal(await verificationLinkLive(token, h.deps), true);
  h.clock.advance(1);
  assert.equal(await verificationLinkLive(token, h.deps), false);
  assert.deepEqual(await verifyEmail(token, ASKER, h.deps), { kind: 'invalid' });
  assert.notEqual((await claimsOf(h, 'ana'))['email_verified'], true);
});

test('a new link ends the older ones: only the newest works', async () => {
  const h = authnHarness();
  const ana = await account(h, 'ana', { email: 'ana@example.com' });
  await sendVerification(ana, ASKER, h.deps);
  const first = lastToken(h);
  await sendVerification(ana, ASKER, h.deps);
  const second = lastToken(h);
  assert.notEqual(first, second);
  assert.deepEqual(await verifyEmail(first, ASKER, h.deps), { kind: 'invalid' });
  assert.equal((await verifyEmail(second, ASKER, h.deps)).kind, 'verified');
});

test('a link for an address the account no longer has verifies nothing; nor one for a disabled account', async () => {
  const h = authnHarness();
  const ana = await account(h, 'ana', { email: 'ana@example.com', email_verified: false });
  await sendVerification(ana, ASKER, h.deps);
  const token = lastToken(h);
  await h.store.accounts.updateClaims('ana', { email: 'ana@elsewhere.example', email_verified: false });
  assert.deepEqual(await verifyEmail(token, ASKER, h.deps), { kind: 'invalid' });
  assert.equal((await claimsOf(h, 'ana'))['email_verified'], false);

  const bo = await account(h, 'bo', { email: 'bo@example.com' });
  await sendVerification(bo, ASKER, h.deps);
  const boToken = lastToken(h);
  await h.store.accounts.setDisabled('bo', true);
  assert.deepEqual(await verifyEmail(boToken, ASKER, h.deps), { kind: 'invalid' });
  assert.equal((await claimsOf(h, 'bo'))['email_verified'], undefined);
});

test('automatic sends (login, registration) skip an account that got a link within the hour', async () => {
  const h = authnHarness();
  const ana = await account(h, 'ana', { email: 'ana@example.com' });
  assert.equal((await sendVerification(ana, ASKER, h.deps, { auto: true })).kind, 'sent');
  const token = lastToken(h);
  assert.deepEqual(await sendVerification(ana, ASKER, h.deps, { auto: true }), {
    kind: 'recent',
    email: 'ana@example.com',
  });
  assert.equal(h.sent.length, 1, 'no second message');
  assert.equal(await verificationLinkLive(token, h.deps), true, 'the first link still works');
  h.clock.advance(SEND_WINDOW);
  assert.equal((await sendVerification(ana, ASKER, h.deps, { auto: true })).kind, 'sent');
});

test(`throttled: at most ${SENDS_PER_ACCOUNT} messages per account and ${SENDS_PER_ADDRESS} per asking address an hour`, async () => {
  const h = authnHarness();
  const ana = await account(h, 'ana', { email: 'ana@example.com' });
  for (let i = 0; i < SENDS_PER_ACCOUNT; i++)
    assert.equal((await sendVerification(ana, ASKER, h.deps)).kind, 'sent');
  const refused = await sendVerification(ana, { address: '198.51.100.1' }, h.deps);
  assert.equal(refused.kind, 'throttled', 'from another address too: the account is the limit');
  assert.ok(refused.kind === 'throttled' && refused.retryAfter > 0 && refused.retryAfter <= SEND_WINDOW);
  assert.equal(h.sent.length, SENDS_PER_ACCOUNT);

  const flood = { address: '203.0.113.5' };
  for (let i = 0; i < SENDS_PER_ADDRESS; i++) {
    const other = await account(h, `user${i}`, { email: `user${i}@example.com` });
    assert.equal((await sendVerification(other, flood, h.deps)).kind, 'sent');
  }
  const next = await account(h, 'next', { email: 'next@example.com' });
  assert.equal((await sendVerification(next, flood, h.deps)).kind, 'throttled');
  h.clock.advance(SEND_WINDOW);
  assert.equal((await sendVerification(next, flood, h.deps)).kind, 'sent');
});

test('no address, an address already verified, and a mail server that fails send nothing that could work', async () => {
  const h = authnHarness();
  assert.deepEqual(await sendVerification(await account(h, 'none', {}), ASKER, h.deps), { kind: 'no-email' });
  const done = await account(h, 'done', { email: 'done@example.com', email_verified: true });
  assert.equal((await sendVerification(done, ASKER, h.deps)).kind, 'already-verified');
  assert.equal(h.sent.length, 0);

  const failing = { ...h.deps, mail: { send: async () => Promise.reject(new Error('550 no')) } };
  const ana = await account(h, 'ana', { email: 'ana@example.com' });
  assert.deepEqual(await sendVerification(ana, ASKER, failing), { kind: 'failed', email: 'ana@example.com' });
  assert.equal(
    await h.store.emailTokens.revokeForAccount('ana', 'verify_email'),
    0,
    'its link was ended at once',
  );
});

test('tokens that are not ours (wrong type, control characters, too long, empty) are refused without a lookup', async () => {
  const h = authnHarness();
  let lookups = 0;
  const counting = {
    ...h.deps,
    emailTokens: {
      ...h.deps.emailTokens,
      consume: async (...args: Parameters<typeof h.deps.emailTokens.consume>) => {
        lookups++;
        return h.deps.emailTokens.consume(...args);
      },
    },
  };
  for (const token of [
    undefined,
    42,
    ['a', 'b'],
    '',
    'a\u0000b'.repeat(10),
    'x'.repeat(5000),
    { toString: 'x' },
  ])
    assert.deepEqual(await verifyEmail(token, ASKER, counting), { kind: 'invalid' });
  assert.equal(lookups, 0);
  assert.deepEqual(await verifyEmail('A'.repeat(43), ASKER, counting), { kind: 'invalid' }, 'unknown');
});

test('a pending login may give or correct the address: stored unverified, old links ended, a link to the new one', async () => {
  const h = authnHarness();
  const ana = await account(h, 'ana', { email: 'ana@exmaple.com', email_verified: false });
  await sendVerification(ana, ASKER, h.deps);
  const typo = lastToken(h);
  assert.deepEqual(await changeAddressAndSend(ana, 'not an address', ASKER, h.deps), {
    kind: 'invalid-address',
  });
  assert.equal(h.sent.length, 1);
  assert.deepEqual(await changeAddressAndSend(ana, ' ana@example.com ', ASKER, h.deps), {
    kind: 'sent',
    email: 'ana@example.com',
  });
  assert.equal(h.sent.at(-1)!.to, 'ana@example.com');
  assert.deepEqual(await claimsOf(h, 'ana'), { email: 'ana@example.com', email_verified: false });
  assert.equal(await verificationLinkLive(typo, h.deps), false, 'the link to the mistyped address is ended');
  assert.equal((await verifyEmail(lastToken(h), ASKER, h.deps)).kind, 'verified');
});
