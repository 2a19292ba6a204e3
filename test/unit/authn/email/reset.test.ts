// Password reset use cases: one answer for every identifier, links only for enabled accounts with an address,
// throttled per address and per account, single use, 15 minutes, and a new password that ends the sessions.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkCredentials } from '../../../../src/authn/accounts.ts';
import {
  completeReset,
  MESSAGES_PER_ACCOUNT,
  REQUESTS_PER_ADDRESS,
  RESET_WINDOW,
  requestReset,
  resetLinkLive,
} from '../../../../src/authn/email/reset.ts';
import type { MailMessage } from '../../../../src/authn/mail.ts';
import { hashPassword } from '../../../../src/authn/passwords.ts';
import { startSession } from '../../../../src/authn/sessions.ts';
import { LoginThrottle } from '../../../../src/authn/throttle.ts';
import { type AuthnHarness, authnHarness, grantWithRefreshToken, NOW, recordingLog } from '../helpers.ts';

const OLD = 'old password 1';
const NEW = 'new password 2';
const ADDRESS = '192.0.2.7';

async function withAccounts(h: AuthnHarness) {
  const passwordHash = await hashPassword(OLD);
  const create = (id: string, claims: Record<string, unknown>) =>
    h.store.accounts.create({ id, username: id, passwordHash, claims, createdAt: NOW });
  await create('alice', { email: 'Alice@Example.com', name: 'Alice Liddell' });
  await create('nomail', {});
  await create('gone', { email: 'gone@example.com' });
  await h.store.accounts.setDisabled('gone', true);
}

const ask = (h: AuthnHarness, identifier: string, extra: { address?: string; returnTo?: string } = {}) => {
  const log = recordingLog();
  return requestReset(
    identifier,
    { address: extra.address ?? ADDRESS, log, languages: ['de-CH'], returnTo: extra.returnTo },
    h.deps,
  ).then(async (r) => {
    await r.delivery;
    return { ...r, log };
  });
};

/** The token in the link of a message: what the person clicks. */
const tokenOf = (message: MailMessage | undefined) =>
  new URL(String(message?.data['link'])).searchParams.get('token') ?? '';

const complete = (h: AuthnHarness, token: string, password = NEW, confirm = password) =>
  completeReset(token, { password, confirm }, { address: ADDRESS, log: recordingLog() }, h.deps);

test('the same outcome for a known, an unknown, a disabled and an address-less account; only the known one gets mail', async () => {
  const h = authnHarness();
  await withAccounts(h);
  const outcomes = [];
  for (const identifier of ['alice', 'nobody', 'gone', 'nomail', 'nobody@example.com', 'gone@example.com'])
    outcomes.push((await ask(h, identifier)).outcome);
  for (const outcome of outcomes) assert.deepEqual(outcome, { kind: 'accepted' });
  assert.deepEqual(
    h.sent.map((m) => m.to),
    ['Alice@Example.com'],
  );
  const events = await h.store.audit.list({ limit: 50 });
  assert.deepEqual(
    events.map((e) => [e.type, e.accountId]),
    [['password.reset_requested', 'alice']],
    'audit only for the real account',
  );
});

test('the address finds the account without regard to case, and the message carries link, name and minutes', async () => {
  const h = authnHarness();
  await withAccounts(h);
  await ask(h, '  alice@EXAMPLE.com ', { returnTo: '/oauth/v2/oauth-authorize?client_id=web' });
  const [message] = h.sent;
  assert.equal(message?.to, 'Alice@Example.com');
  assert.equal(message?.template, 'reset-password');
  assert.deepEqual(message?.languages, ['de-CH']);
  assert.equal(message?.data['name'], 'Alice Liddell');
  assert.equal(message?.data['username'], 'alice');
  assert.equal(message?.data['minutes'], 15);
  const link = new URL(String(message?.data['link']));
  assert.equal(link.pathname, '/authn/reset-password');
  assert.equal(link.searchParams.get('return_to'), '/oauth/v2/oauth-authorize?client_id=web');
  const token = tokenOf(message);
  assert.match(token, /^[A-Za-z0-9_-]{43}$/);
  const stored = await h.store.emailTokens.find(h.deps.emailLinkHash(token), 'reset_password', NOW);
  assert.equal(stored?.accountId, 'alice');
  assert.equal(stored?.expiresAt, NOW + 15 * 60);
  assert.equal(
    await h.store.emailTokens.find(token, 'reset_password', NOW),
    undefined,
    'only the keyed hash is kept',
  );
  const events = await h.store.audit.list({ limit: 5 });
  assert.ok(!JSON.stringify(events).includes(token), 'the audit log never holds the token');
});

test('an empty or over-long identifier is a field error, without a lookup or a throttle count', async () => {
  const h = authnHarness();
  await withAccounts(h);
  for (const identifier of ['', '   ', 'a'.repeat(255)])
    assert.equal((await ask(h, identifier)).outcome.kind, 'invalid');
  assert.equal(h.sent.length, 0);
});

test(`per address: after ${REQUESTS_PER_ADDRESS} requests the same 429 answer, whichever identifiers come next`, async () => {
  const h = authnHarness();
  await withAccounts(h);
  for (let i = 0; i < REQUESTS_PER_ADDRESS; i++)
    assert.equal((await ask(h, i % 2 ? 'alice' : `nobody${i}`)).outcome.kind, 'accepted');
  const known = (await ask(h, 'alice')).outcome;
  const unknown = (await ask(h, 'nobody')).outcome;
  assert.equal(known.kind, 'throttled');
  assert.deepEqual(unknown, known, 'the refusal does not depend on the identifier');
  assert.equal(
    (await ask(h, 'alice', { address: '198.51.100.1' })).outcome.kind,
    'accepted',
    'other addresses are not',
  );
  h.clock.advance(RESET_WINDOW);
  assert.equal((await ask(h, 'nobody')).outcome.kind, 'accepted', 'the window ends');
});

test(`per account: at most ${MESSAGES_PER_ACCOUNT} messages per window, silently, with the same answer`, async () => {
  const h = authnHarness();
  await withAccounts(h);
  for (let i = 0; i < MESSAGES_PER_ACCOUNT + 2; i++) {
    const { outcome } = await ask(h, 'alice', { address: `198.51.100.${i}` });
    assert.deepEqual(outcome, { kind: 'accepted' });
  }
  assert.equal(h.sent.length, MESSAGES_PER_ACCOUNT);
  const events = await h.store.audit.list({ limit: 50 });
  assert.deepEqual(
    events.map((e) => e.detail?.['sent']).sort(),
    [false, false, true, true, true],
    'each request is audited, with whether a message went out',
  );
  h.clock.advance(RESET_WINDOW);
  await ask(h, 'alice');
  assert.equal(h.sent.length, MESSAGES_PER_ACCOUNT + 1, 'a new window sends again');
});

test('a new link ends the older ones: only the newest works', async () => {
  const h = authnHarness();
  await withAccounts(h);
  await ask(h, 'alice');
  await ask(h, 'alice');
  const [first, second] = h.sent.map(tokenOf);
  assert.equal(await resetLinkLive(first, h.deps), false);
  assert.equal(await resetLinkLive(second, h.deps), true);
  assert.deepEqual(await complete(h, first!), { kind: 'expired' });
});

test('the link is single use: the password is set once, the second use is refused as expired', async () => {
  const h = authnHarness();
  await withAccounts(h);
  await ask(h, 'alice');
  const token = tokenOf(h.sent[0]);
  assert.deepEqual(await complete(h, token), { kind: 'changed', sessionsEnded: 0 });
  assert.equal(await resetLinkLive(token, h.deps), false);
  assert.deepEqual(await complete(h, token, 'third password 3'), { kind: 'expired' });
  assert.equal(
    await checkCredentials('alice', OLD, h.store.accounts),
    undefined,
    'the old password is refused',
  );
  assert.equal((await checkCredentials('alice', NEW, h.store.accounts))?.id, 'alice', 'the new one works');
});

test('the link works for 15 minutes by the clock: live at 14:59, expired at 15:00', async () => {
  const h = authnHarness();
  await withAccounts(h);
  await ask(h, 'alice');
  const token = tokenOf(h.sent[0]);
  h.clock.advance(15 * 60 - 1);
  assert.equal(await resetLinkLive(token, h.deps), true);
  h.clock.advance(1);
  assert.equal(await resetLinkLive(token, h.deps), false);
  assert.deepEqual(await complete(h, token), { kind: 'expired' });
  assert.equal(await checkCredentials('alice', OLD, h.store.accounts).then((a) => a?.id), 'alice');
});

test('a short or mismatched new password comes back as field errors and leaves the link usable', async () => {
  const h = authnHarness();
  await withAccounts(h);
  await ask(h, 'alice');
  const token = tokenOf(h.sent[0]);
  assert.deepEqual(await complete(h, token, 'short'), {
    kind: 'invalid',
    errors: { new_password: 'Use at least 8 characters.' },
  });
  assert.deepEqual(await complete(h, token, 'x'.repeat(257)), {
    kind: 'invalid',
    errors: { new_password: 'Use at most 256 characters.' },
  });
  assert.deepEqual(await complete(h, token, NEW, `${NEW}!`), {
    kind: 'invalid',
    errors: { confirm_password: 'The two passwords are not the same.' },
  });
  assert.equal(await resetLinkLive(token, h.deps), true);
  assert.equal((await complete(h, token)).kind, 'changed');
});

test('not a token (wrong type, shape or length) is expired without a store read', async () => {
  const h = authnHarness();
  let reads = 0;
  const emailTokens = { ...h.store.emailTokens, find: async () => void reads++ };
  const deps = { ...h.deps, emailTokens };
  for (const token of [undefined, 42, ['a'], '', 'x'.repeat(44), 'a'.repeat(42), `${'a'.repeat(42)}!`])
    assert.equal(await resetLinkLive(token, deps), false);
  assert.equal(reads, 0);
});

test('setting the password ends every session and the grants made in them; offline grants keep their refresh tokens', async () => {
  const h = authnHarness();
  await withAccounts(h);
  const session = () =>
    startSession(
      { accountId: 'alice', authenticator: 'username-password', acr: 'urn:acr', lifetime: 3600 },
      h.deps,
    );
  const one = await session();
  await session();
  const bound = await grantWithRefreshToken(h, { grantId: 'g-bound', sessionToken: one });
  const offline = await grantWithRefreshToken(h, { grantId: 'g-offline', sessionToken: null });
  await ask(h, 'alice');
  assert.deepEqual(await complete(h, tokenOf(h.sent[0])), { kind: 'changed', sessionsEnded: 2 });
  assert.deepEqual(await h.store.sessions.listByAccount('alice', NOW), []);
  assert.equal((await h.store.grants.findToken(bound))?.revoked, true);
  assert.equal((await h.store.grants.findToken(offline))?.revoked, false);
  const [event] = await h.store.audit.list({ types: ['password.reset'], limit: 5 });
  assert.equal(event?.accountId, 'alice');
  assert.equal(event?.address, ADDRESS);
  assert.deepEqual(event?.detail, { sessions_ended: 2 });
});

test("the reset clears the account's login throttle from that address", async () => {
  const h = authnHarness();
  await withAccounts(h);
  const throttle = new LoginThrottle(h.clock, h.store.throttle, 'login');
  for (let i = 0; i < 10; i++) await throttle.fail('alice', ADDRESS);
  assert.ok((await throttle.blockedFor('alice', ADDRESS)) > 0);
  await ask(h, 'alice');
  await complete(h, tokenOf(h.sent[0]));
  assert.equal(await throttle.blockedFor('alice', ADDRESS), 0);
});

test('an account disabled after its link was sent: the link no longer works', async () => {
  const h = authnHarness();
  await withAccounts(h);
  await ask(h, 'alice');
  await h.store.accounts.setDisabled('alice', true);
  const token = tokenOf(h.sent[0]);
  assert.equal(await resetLinkLive(token, h.deps), false);
  assert.deepEqual(await complete(h, token), { kind: 'expired' });
});

test('the answer does not wait for the mail server; a failed send is logged without the link', async () => {
  const h = authnHarness();
  await withAccounts(h);
  let release: () => void = () => {};
  const hung = new Promise<void>((resolve) => {
    release = resolve;
  });
  const log = recordingLog();
  const lines: string[] = [];
  const keep = (fields: Record<string, unknown>, message: string) => {
    lines.push(JSON.stringify(fields) + message);
    log.warn(fields, message);
  };
  const deps = {
    ...h.deps,
    mail: {
      send: async () => {
        await hung;
        throw new Error('connection refused');
      },
    },
  };
  const { outcome, delivery } = await requestReset(
    'alice',
    { address: ADDRESS, log: { info: keep, warn: keep } },
    deps,
  );
  assert.deepEqual(outcome, { kind: 'accepted' }, 'answered while the mail server hangs');
  release();
  await delivery;
  assert.deepEqual(log.events, ['warn:password_reset_mail_failed']);
  assert.ok(lines.every((l) => !l.includes('reset-password?token')));
});

test('before the answer, a known and an unknown identifier make the same store calls in the same order', async () => {
  /** The deps with every store method call written down, and the list they go to. */
  const recorded = (h: AuthnHarness) => {
    const calls: string[] = [];
    const watch = <T extends object>(name: string, target: T): T =>
      new Proxy(target, {
        get(object, key) {
          const value = Reflect.get(object, key);
          return typeof value === 'function'
            ? (...args: unknown[]) => {
                calls.push(`${name}.${String(key)}`);
                return value.apply(object, args);
              }
            : value;
        },
      });
    const deps = {
      ...h.deps,
      accounts: watch('accounts', h.deps.accounts),
      throttle: watch('throttle', h.deps.throttle),
      emailTokens: watch('emailTokens', h.deps.emailTokens),
      audit: watch('audit', h.deps.audit),
      mail: watch('mail', h.deps.mail),
    };
    return { calls, deps };
  };
  const answer = async (identifier: string) => {
    const h = authnHarness();
    await withAccounts(h);
    const { calls, deps } = recorded(h);
    const { outcome, delivery } = await requestReset(
      identifier,
      { address: ADDRESS, log: recordingLog() },
      deps,
    );
    const before = [...calls];
    await delivery;
    return { outcome, before, after: calls.slice(before.length) };
  };
  const known = await answer('alice');
  const unknown = await answer('nobody');
  assert.deepEqual(known.outcome, unknown.outcome);
  assert.deepEqual(known.before, unknown.before);
  assert.deepEqual(known.before, [
    'throttle.failures',
    'throttle.recordFailure',
    'accounts.findByUsername',
    'accounts.findByEmail',
  ]);
  assert.deepEqual(unknown.after, [], 'nothing more for an unknown name');
  assert.ok(known.after.includes('emailTokens.create') && known.after.includes('mail.send'));
});

test('a link sent before the account changed its email address resets nothing', async () => {
  const h = authnHarness();
  await withAccounts(h);
  await ask(h, 'alice');
  const token = tokenOf(h.sent[0]);
  const alice = (await h.store.accounts.findById('alice'))!;
  await h.store.accounts.updateClaims('alice', { ...alice.claims, email: 'alice@elsewhere.example' });
  assert.equal(await resetLinkLive(token, h.deps), false);
  assert.deepEqual(await complete(h, token), { kind: 'expired' });
  await h.store.accounts.updateClaims('alice', { ...alice.claims, email: 'ALICE@example.com' });
  assert.equal(
    await resetLinkLive(token, h.deps),
    true,
    'the same address, spelled in other case, still matches',
  );
});

test('a completed reset proves the address the link went to: email_verified becomes true', async () => {
  const h = authnHarness();
  await withAccounts(h);
  assert.notEqual((await h.store.accounts.findById('alice'))?.claims['email_verified'], true);
  await ask(h, 'alice');
  assert.deepEqual(await complete(h, tokenOf(h.sent[0])), { kind: 'changed', sessionsEnded: 0 });
  const claims = (await h.store.accounts.findById('alice'))?.claims;
  assert.equal(claims?.['email_verified'], true);
  assert.equal(claims?.['email'], 'Alice@Example.com', 'the address itself is unchanged');
});
