// `tessera user show | sessions end | factor remove | unlink | send-reset | send-verification` as an operator runs them:
// the local database, the server's mail settings (a real SMTP server on loopback), `cli` as the actor on the record.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { stringify } from 'yaml';
import { openLocal } from '../../src/runtime/open.ts';
import type { AuditType } from '../../src/store/ports/index.ts';
import { MASTER_KEY } from '../fixtures/server.ts';
import { type SmtpSink, startSmtpSink } from '../fixtures/smtp.ts';

const dir = mkdtempSync(join(tmpdir(), 'tessera-user-manage-'));
const configFile = join(dir, 'tessera.yaml');
const BASE = 'https://login.example.com';
let smtp: SmtpSink;

/** Runs the CLI without blocking this process, so the SMTP server here can answer it. */
function tessera(args: string[], input = ''): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/index.ts', 'user', ...args],
      {
        env: {
          ...process.env,
          TESSERA_DATA: dir,
          TESSERA_MASTER_KEY: MASTER_KEY,
          TESSERA_CONFIG: configFile,
          DATABASE_URL: '',
        },
      },
      (error, out, err) => resolve({ code: error ? Number(error.code ?? 1) : 0, out, err }),
    );
    child.stdin?.end(input);
  });
}

/** Opens the same database the CLI used, for what the commands left in it. */
async function withStore<T>(read: (store: Awaited<ReturnType<typeof openLocal>>['store']) => Promise<T>) {
  const { store } = await openLocal({ data: dir }, { TESSERA_MASTER_KEY: MASTER_KEY, TESSERA_CONFIG: '' });
  try {
    return await read(store);
  } finally {
    await store.close();
  }
}
const lastEvent = (type: AuditType) =>
  withStore(async (store) => (await store.audit.list({ types: [type], limit: 1 }))[0]);

before(async () => {
  smtp = await startSmtpSink();
  writeFileSync(
    configFile,
    stringify({
      server: { base_url: BASE, email: { smtp_url: smtp.url } },
      authenticators: [
        { id: 'username-password', type: 'html-form' },
        { id: 'keys', type: 'passkey' },
      ],
    }),
  );
  for (const [name, email] of [
    ['olga', 'olga@example.com'],
    ['pavel', undefined],
  ] as const) {
    const made = await tessera(['create', name, ...(email ? ['--email', email] : [])], 'user password 1\n');
    assert.equal(made.code, 0, made.err);
  }
  await withStore(async (store) => {
    const t = Math.floor(Date.now() / 1000);
    await store.sessions.create({
      idHash: 'olga-session',
      accountId: 'olga',
      authenticator: 'username-password',
      acr: 'urn:x',
      authTime: t,
      expiresAt: t + 3600,
      factors: [{ authenticator: 'username-password', amr: ['pwd'], at: t }],
      createdAt: t,
      lastSeen: t,
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0 Safari/537.36',
      address: '203.0.113.9',
    });
    for (const [id, name] of [
      ['cred-one', 'Work laptop'],
      ['cred-two', 'Phone'],
    ])
      await store.passkeys.create({
        id: id!,
        accountId: 'olga',
        name: name!,
        publicKey: 'pQECAyYgASFYIOlgasKey',
        counter: 0,
        transports: [],
        backupEligible: false,
        backedUp: false,
        createdAt: t,
        lastUsedAt: null,
      });
    await store.upstream.link({
      issuer: 'https://idp.example',
      subject: 'olga-at-idp',
      accountId: 'olga',
      authenticator: 'acme',
      createdAt: t,
      lastUsedAt: null,
    });
  });
});
after(async () => {
  await smtp?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('user show prints the account, its session, passkeys and linked sign-in; --json the API shape', async () => {
  const shown = await tessera(['show', 'olga']);
  assert.equal(shown.code, 0, shown.err);
  assert.match(shown.out, /^username: {2}olga$/m);
  assert.match(shown.out, /^email: {5}olga@example\.com \(not verified\)$/m);
  assert.match(shown.out, /^ {2}Chrome on Linux\t203\.0\.113\.9\t/m);
  assert.match(shown.out, /^ {2}passkey \S{22}\tWork laptop\t/m);
  assert.match(shown.out, /^ {2}https:\/\/idp\.example\thttps:\/\/idp\.example\tsubject olga-at-idp/m);
  assert.doesNotMatch(shown.out, /cred-one|OlgasKey/, 'no credential ID or key');
  const json = JSON.parse((await tessera(['show', 'olga', '--json'])).out);
  assert.equal(json.sessions.length, 1);
  assert.equal(json.factors.length, 2);
  const none = await tessera(['show', 'nobody']);
  assert.equal(none.code, 2);
  assert.match(none.err, /no user "nobody"/);
});

test('user factor remove takes a passkey by name, and asks for the id when a name is not there', async () => {
  const missing = await tessera(['factor', 'remove', 'olga', 'passkey', 'Tablet']);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /user olga has no passkey "Tablet"/);
  const both = await tessera(['factor', 'remove', 'olga', 'passkey']);
  assert.match(both.err, /has 2 passkeys: give the id/);
  const removed = await tessera(['factor', 'remove', 'olga', 'passkey', 'Phone']);
  assert.equal(removed.code, 0, removed.err);
  assert.equal(removed.out, 'removed passkey "Phone" of user olga\n');
  const left = await withStore((store) => store.passkeys.listByAccount('olga'));
  assert.deepEqual(
    left.map((p) => p.name),
    ['Work laptop'],
  );
  const event = await lastEvent('factor.removed');
  assert.deepEqual(
    [event?.actor, event?.detail?.['name'], event?.detail?.['context']],
    ['cli', 'Phone', 'admin'],
  );
  assert.equal((await tessera(['factor', 'remove', 'olga', 'totp'])).code, 2);
  assert.equal((await tessera(['factor', 'remove', 'olga', 'sms'])).code, 2);
});

test('user unlink <issuer> unlinks that provider’s sign-in', async () => {
  const wrong = await tessera(['unlink', 'olga', 'https://other.example']);
  assert.match(wrong.err, /user olga has no sign-in linked from https:\/\/other\.example/);
  const done = await tessera(['unlink', 'olga', 'https://idp.example']);
  assert.equal(done.code, 0, done.err);
  assert.match(
    done.out,
    /^unlinked the sign-in through https:\/\/idp\.example \(subject olga-at-idp\) from user olga\n$/,
  );
  assert.deepEqual(await withStore((store) => store.upstream.listIdentities('olga')), []);
  assert.equal((await lastEvent('identity.unlinked'))?.actor, 'cli');
});

test('user sessions end ends them', async () => {
  const done = await tessera(['sessions', 'end', 'olga']);
  assert.equal(done.code, 0, done.err);
  assert.equal(done.out, 'ended 1 session of user olga\n');
  assert.equal(
    await withStore((store) => store.sessions.find('olga-session', Math.floor(Date.now() / 1000))),
    undefined,
  );
  assert.deepEqual((await lastEvent('session.ended'))?.detail, { reason: 'admin', sessions_ended: 1 });
});

test('user send-reset mails a link to the server’s public address through its SMTP server', async () => {
  const sent = await tessera(['send-reset', 'olga']);
  assert.equal(sent.code, 0, sent.err);
  assert.match(
    sent.out,
    /^a password reset link is on its way to olga@example\.com \(through smtp:\/\/127\.0\.0\.1:\d+\); it works once, within 15 minutes\n$/,
  );
  const mail = await smtp.waitFor((m) => m.to.includes('olga@example.com') && /reset/i.test(m.subject));
  const link = mail.links.find((l) => l.startsWith(`${BASE}/authn/reset-password?token=`));
  assert.ok(link, mail.text);
  // The server finds the link by the same keyed hash the CLI stored.
  const token = new URL(link).searchParams.get('token')!;
  const { createSecretHasher } = await import('../../src/keys/secrets.ts');
  const found = await (async () => {
    const { store, dataKeys } = await openLocal(
      { data: dir },
      { TESSERA_MASTER_KEY: MASTER_KEY, TESSERA_CONFIG: '' },
    );
    try {
      const hash = createSecretHasher(dataKeys['client-secret']).hash(`email-link\u0000${token}`);
      return await store.emailTokens.find(hash, 'reset_password', Math.floor(Date.now() / 1000));
    } finally {
      await store.close();
    }
  })();
  assert.equal(found?.accountId, 'olga');
  const event = await lastEvent('password.reset_requested');
  assert.deepEqual([event?.actor, event?.detail], ['cli', { sent: true, via: 'admin' }]);
  assert.ok(!sent.out.includes(token) && !sent.err.includes(token));
});

test('user send-verification mails a verification link; a user without an address is refused', async () => {
  const sent = await tessera(['send-verification', 'olga']);
  assert.equal(sent.code, 0, sent.err);
  assert.match(sent.out, /^a verification link is on its way to olga@example\.com .*within 24 hours\n$/);
  const mail = await smtp.waitFor(
    (m) => m.to.includes('olga@example.com') && m.links.some((l) => l.includes('verify-email')),
  );
  assert.ok(mail.links.some((l) => l.startsWith(`${BASE}/authn/verify-email?token=`)));
  assert.equal((await lastEvent('email.verification_requested'))?.actor, 'cli');
  const none = await tessera(['send-reset', 'pavel']);
  assert.equal(none.code, 2);
  assert.match(none.err, /the user has no email address to send a reset link to/);
});
