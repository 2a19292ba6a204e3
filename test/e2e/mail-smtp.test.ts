// The SMTP transport against a real SMTP server on loopback (smtp-server): delivered and read back as a mail client
// reads it, with credentials, over STARTTLS and implicit TLS; refused when TLS cannot be trusted or is missing.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { emailSchema } from '../../src/config/schema-email.ts';
import { createMailService } from '../../src/runtime/mail/sender.ts';
import { checkSmtp } from '../../src/runtime/mail/smtp.ts';
import { freePort } from '../fixtures/server.ts';
import { type SmtpSink, startSmtpSink } from '../fixtures/smtp.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'tessera-smtp-test-'));
const sinks: SmtpSink[] = [];
after(async () => {
  for (const sink of sinks) await sink.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const LINK = 'http://localhost:8443/authn/verify-email?token=Tok3n_Secret_value';
const CREDENTIALS = { user: 'tessera@example.com', pass: 'p@ss:w/rd %' };

async function sink(options: Parameters<typeof startSmtpSink>[0] = {}) {
  const started = await startSmtpSink(options);
  sinks.push(started);
  return started;
}

function service(email: Record<string, unknown>) {
  const lines: string[] = [];
  const log = {
    info: (fields: Record<string, unknown>, message: string) =>
      lines.push(JSON.stringify({ fields, message })),
    warn: (fields: Record<string, unknown>, message: string) =>
      lines.push(JSON.stringify({ fields, message })),
  };
  const mail = createMailService({
    email: emailSchema.parse(email),
    baseUrl: 'https://login.example.com',
    dataDir,
    log: () => log,
  });
  return { mail, lines };
}

/** server.email with this URL and every other setting at its default. */
const smtp = (url: string) => ({ ...emailSchema.parse({}), smtp_url: url });

const message = (to = 'ana@example.com') => ({
  to,
  template: 'verify-email' as const,
  languages: ['en'],
  data: { link: LINK, name: 'Ana', hours: 24 },
});

describe('SMTP transport', () => {
  test('delivers over plain SMTP with AUTH: envelope, headers, both parts and the link as the sink parsed them', async () => {
    const server = await sink({ auth: CREDENTIALS });
    const { mail, lines } = service({ smtp_url: server.url, from: 'Example Login <login@example.com>' });
    assert.deepEqual(mail.destination, { kind: 'smtp', server: `smtp://127.0.0.1:${server.port}` });
    await mail.send(message());
    const got = await server.waitFor((m) => m.to.includes('ana@example.com'));
    assert.deepEqual(got.envelope, { from: 'login@example.com', to: ['ana@example.com'] });
    assert.equal(got.user, CREDENTIALS.user, 'the percent-encoded credentials were decoded');
    assert.equal(got.secure, false);
    assert.equal(got.from, '"Example Login" <login@example.com>');
    assert.equal(got.subject, 'Confirm your email address for login.example.com');
    assert.deepEqual(got.links, [LINK]);
    assert.deepEqual(got.htmlLinks, [LINK, LINK]);
    assert.equal(got.headers.get('content-language'), 'en');
    await mail.close();
    assert.ok(!lines.join('\n').includes('Tok3n_Secret_value'), 'no link in the log');
    assert.ok(!lines.join('\n').includes(CREDENTIALS.pass), 'no password in the log');
  });

  test('STARTTLS with the server certificate trusted through ca_files, and required', async () => {
    const server = await sink({ starttls: true });
    const { mail } = service({
      smtp_url: server.url,
      tls: { ca_files: [server.caFile], require_starttls: true },
    });
    await mail.send(message('tls@example.com'));
    const got = await server.waitFor((m) => m.to.includes('tls@example.com'));
    assert.equal(got.secure, true, 'the message travelled after STARTTLS');
    await mail.close();
  });

  test('smtps:// speaks TLS from the first byte', async () => {
    const server = await sink({ implicitTls: true });
    assert.match(server.url, /^smtps:/);
    const { mail } = service({ smtp_url: server.url, tls: { ca_files: [server.caFile] } });
    await mail.send(message('implicit@example.com'));
    assert.equal((await server.waitFor((m) => m.to.includes('implicit@example.com'))).secure, true);
    await mail.close();
  });

  test('a certificate nothing vouches for is refused, unless reject_unauthorized is turned off', async () => {
    const server = await sink({ starttls: true });
    const strict = service({ smtp_url: server.url });
    await assert.rejects(strict.mail.send(message('untrusted@example.com')), /could not be sent/);
    assert.ok(strict.lines.some((l) => l.includes('mail_failed')));
    await strict.mail.close();
    const lax = service({ smtp_url: server.url, tls: { reject_unauthorized: false } });
    await lax.mail.send(message('lax@example.com'));
    await server.waitFor((m) => m.to.includes('lax@example.com'));
    await lax.mail.close();
    assert.equal(server.messages.filter((m) => m.to.includes('untrusted@example.com')).length, 0);
  });

  test('require_starttls refuses a server that does not offer STARTTLS', async () => {
    const server = await sink();
    const { mail } = service({ smtp_url: server.url, tls: { require_starttls: true } });
    await assert.rejects(mail.send(message('plain@example.com')));
    await mail.close();
    assert.equal(server.messages.length, 0);
  });

  test('wrong credentials and a server that is not there reject the send (the caller decides what to say)', async () => {
    const server = await sink({ auth: CREDENTIALS });
    const wrong = service({ smtp_url: `smtp://tessera:wrong@127.0.0.1:${server.port}` });
    await assert.rejects(wrong.mail.send(message()));
    assert.ok(!wrong.lines.join('\n').includes('wrong@'), 'the URL with its password is never logged');
    await wrong.mail.close();
    const gone = service({ smtp_url: `smtp://127.0.0.1:${await freePort()}` });
    await assert.rejects(gone.mail.send(message()));
    await gone.mail.close();
  });

  test('checkSmtp (tessera doctor) says whether the server answers and accepts the login', async () => {
    const server = await sink({ auth: CREDENTIALS });
    assert.deepEqual(await checkSmtp(smtp(server.url)), { ok: true });
    const refused = await checkSmtp(
      emailSchema.parse({ smtp_url: `smtp://tessera:wrong@127.0.0.1:${server.port}` }) as never,
    );
    assert.equal(refused.ok, false);
    const gone = await checkSmtp(
      emailSchema.parse({ smtp_url: `smtp://127.0.0.1:${await freePort()}` }) as never,
    );
    assert.equal(gone.ok, false);
  });
});
