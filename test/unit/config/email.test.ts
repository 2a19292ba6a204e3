// server.email: the SMTP URL checked at load with a clear error that never repeats it, TESSERA_SMTP_URL over the file.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { stringify } from 'yaml';
import { ConfigError, loadConfig } from '../../../src/config/load.ts';

const dir = mkdtempSync(join(tmpdir(), 'tessera-email-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

function load(email: unknown, env: NodeJS.ProcessEnv = {}) {
  const path = join(dir, `config-${++files}.yaml`);
  writeFileSync(path, stringify({ server: { email } }));
  return loadConfig({ config: path }, env);
}

function refusal(email: unknown, env: NodeJS.ProcessEnv = {}): ConfigError {
  try {
    load(email, env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error;
  }
  assert.fail('the config was accepted');
}

test('defaults: no SMTP server (the development outbox), TLS verified, STARTTLS not required', () => {
  const { email } = loadConfig({}, {}).server;
  assert.equal(email.smtp_url, undefined);
  assert.equal(email.from, undefined);
  assert.deepEqual(email.tls, { reject_unauthorized: true, ca_files: [], require_starttls: false });
});

test('smtp:// and smtps:// URLs with percent-encoded credentials are accepted', () => {
  for (const url of [
    'smtp://mail.example.com',
    'smtp://user%40example.com:p%3Ass@mail.example.com:587',
    'smtps://mail.example.com:465/',
    'smtp://[2001:db8::1]:25',
  ])
    assert.equal(load({ smtp_url: url }).server.email.smtp_url, url);
});

test('a wrong SMTP URL is refused at load with a reason, and the message never repeats the URL or its password', () => {
  const cases: [string, RegExp][] = [
    ['mail.example.com', /must be an absolute URL/],
    ['https://user:Hunter2secret@mail.example.com', /must start with smtp:\/\/.*or smtps:\/\//],
    ['smtp://user:Hunter2secret@mail.example.com/inbox', /must not have a path/],
    ['smtp://user:Hunter2secret@mail.example.com?pool=true', /must not have a query or fragment/],
    ['smtp://:Hunter2secret@mail.example.com', /names a password without a user name/],
    ['smtp://user:%E0%A4%A@mail.example.com', /not valid percent-encoding/],
  ];
  for (const [url, reason] of cases) {
    const error = refusal({ smtp_url: url });
    const issue = error.issues.find((i) => i.path === 'server.email.smtp_url');
    assert.ok(issue, `${url}: ${JSON.stringify(error.issues)}`);
    assert.match(issue.message, reason, url);
    assert.ok(!error.message.includes('Hunter2secret'), 'the password is not in the error');
  }
});

test('TESSERA_SMTP_URL sets smtp_url over the file, and is checked the same way', () => {
  const env = { TESSERA_SMTP_URL: 'smtps://relay:secret@relay.example.com' };
  const loaded = load({ smtp_url: 'smtp://file.example.com', from: 'Login <login@example.com>' }, env);
  assert.equal(loaded.server.email.smtp_url, 'smtps://relay:secret@relay.example.com');
  assert.equal(loaded.server.email.from, 'Login <login@example.com>');
  assert.equal(loadConfig({}, env).server.email.smtp_url, env.TESSERA_SMTP_URL, 'without a file too');
  const error = refusal({}, { TESSERA_SMTP_URL: 'ftp://relay.example.com' });
  assert.ok(error.issues.some((i) => i.path === 'server.email.smtp_url'));
});

test('from is one address, with or without a name, never a second header line', () => {
  assert.equal(load({ from: 'no-reply@example.com' }).server.email.from, 'no-reply@example.com');
  for (const from of ['Login <login@example.com>\nBcc: eve@example.net', 'not an address', 'a@b, c@d'])
    assert.ok(
      refusal({ from }).issues.some((i) => i.path === 'server.email.from'),
      from,
    );
  assert.ok(
    refusal({ smtp: 'x' }).issues.some((i) => i.path === 'server.email'),
    'unknown keys are refused',
  );
});
