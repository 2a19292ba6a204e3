// The development outbox (no server.email.smtp_url): each message an .eml file in {data_dir}/mail/, private to the
// server's user, and a log line naming recipient, subject and file but never the link; nothing dropped.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { simpleParser } from 'mailparser';
import { emailSchema } from '../../../../src/config/schema-email.ts';
import { createMailService, defaultFrom } from '../../../../src/runtime/mail/sender.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'tessera-outbox-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));

const LINK = 'http://127.0.0.1:8443/authn/verify-email?token=SecretToken_123';

function service(dir = dataDir) {
  const lines: { level: string; fields: Record<string, unknown>; message: string }[] = [];
  const log = {
    info: (fields: Record<string, unknown>, message: string) =>
      lines.push({ level: 'info', fields, message }),
    warn: (fields: Record<string, unknown>, message: string) =>
      lines.push({ level: 'warn', fields, message }),
  };
  const mail = createMailService({
    email: emailSchema.parse({}),
    baseUrl: 'http://127.0.0.1:8443',
    dataDir: dir,
    log: () => log,
  });
  return { mail, lines };
}

test('without smtp_url a message becomes an .eml file (folder 0700, file 0600) that a mail client reads whole', async () => {
  const { mail, lines } = service();
  assert.deepEqual(mail.destination, { kind: 'outbox', folder: join(dataDir, 'mail') });
  await mail.send({
    to: 'ana@example.com',
    template: 'verify-email',
    languages: ['en-GB'],
    data: { link: LINK, name: 'Ana', hours: 24 },
  });
  const folder = join(dataDir, 'mail');
  assert.equal(statSync(folder).mode & 0o777, 0o700);
  const files = readdirSync(folder);
  assert.equal(files.length, 1);
  assert.match(files[0]!, /\.eml$/);
  const file = join(folder, files[0]!);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const parsed = await simpleParser(readFileSync(file));
  assert.equal(parsed.subject, 'Confirm your email address for 127.0.0.1:8443');
  assert.equal(parsed.from?.text, '"Tessera" <no-reply@localhost>');
  assert.equal(parsed.headers.get('auto-submitted'), 'auto-generated');
  assert.ok(parsed.text?.includes(LINK), 'the text part holds the link');
  assert.ok(typeof parsed.html === 'string' && parsed.html.includes('Verify email address'));
  await mail.close();

  assert.equal(lines.length, 1);
  const [line] = lines;
  assert.equal(line!.level, 'info');
  assert.deepEqual(
    { to: line!.fields['to'], subject: line!.fields['subject'], file: line!.fields['file'] },
    { to: 'ana@example.com', subject: parsed.subject, file },
  );
  assert.ok(!JSON.stringify(line).includes('SecretToken_123'), 'the link never reaches the log');
});

test('a message that cannot be written is an error for the caller, never dropped in silence', async () => {
  const blocked = mkdtempSync(join(tmpdir(), 'tessera-outbox-blocked-'));
  // A file where the mail folder should be: the outbox cannot be made.
  writeFileSync(join(blocked, 'mail'), 'not a folder');
  const { mail } = service(blocked);
  await assert.rejects(
    mail.send({ to: 'ana@example.com', template: 'verify-email', data: { link: LINK, hours: 24 } }),
  );
  rmSync(blocked, { recursive: true, force: true });
});

test('a recipient that is not one plain address (header injection, a list, control characters) is refused', async () => {
  const { mail } = service();
  for (const to of [
    'ana@example.com\r\nBcc: eve@example.net',
    'a@example.com, b@example.com',
    'Ana <a@example.com>',
    'a\u0000@example.com',
    'nobody',
  ]) {
    await assert.rejects(mail.send({ to, template: 'verify-email', data: { link: LINK, hours: 24 } }), to);
  }
});

test('the default sender is no-reply at the public host, localhost for an IP address', () => {
  assert.equal(defaultFrom('https://login.example.com/base'), 'Tessera <no-reply@login.example.com>');
  assert.equal(defaultFrom('http://127.0.0.1:8443'), 'Tessera <no-reply@localhost>');
  assert.equal(defaultFrom('http://[::1]:8443'), 'Tessera <no-reply@localhost>');
});
