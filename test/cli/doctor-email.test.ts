// `tessera doctor` on email: no SMTP server (the development outbox) is said as such; a configured one is asked
// whether it answers and accepts the login (a real SMTP server on loopback), exit 1 when not; no password printed.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { MASTER_KEY } from '../fixtures/server.ts';
import { type SmtpSink, startSmtpSink } from '../fixtures/smtp.ts';

const dir = mkdtempSync(join(tmpdir(), 'tessera-doctor-email-'));
const CREDENTIALS = { user: 'doctor', pass: 'Sm7p-secret' };
let smtp: SmtpSink;
before(async () => {
  smtp = await startSmtpSink({ auth: CREDENTIALS });
});
after(async () => {
  await smtp.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the CLI without blocking this process, so the SMTP server here can answer it. */
function doctor(args: string[], smtpUrl?: string): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/index.ts', 'doctor', ...args],
      {
        env: {
          ...process.env,
          TESSERA_DATA: dir,
          TESSERA_MASTER_KEY: MASTER_KEY,
          TESSERA_CONFIG: '',
          DATABASE_URL: '',
          TESSERA_SMTP_URL: smtpUrl ?? '',
        },
      },
      (error, out, err) => resolve({ code: error ? Number(error.code ?? 1) : 0, out, err }),
    );
  });
}

test('without smtp_url doctor says messages go to the outbox in the data folder', async () => {
  const run = await doctor([]);
  assert.equal(run.code, 0, run.err);
  assert.ok(
    run.out.includes(
      `email: no SMTP server (server.email.smtp_url): messages are written to ${join(dir, 'mail')}`,
    ),
    run.out,
  );
});

test('a configured SMTP server that answers and accepts the login; --json has it too', async () => {
  const run = await doctor([], smtp.url);
  assert.equal(run.code, 0, run.err);
  assert.match(run.out, new RegExp(`^email: smtp://127\\.0\\.0\\.1:${smtp.port} answers$`, 'm'));
  assert.ok(!run.out.includes(CREDENTIALS.pass));
  const json = await doctor(['--json'], smtp.url);
  assert.deepEqual(JSON.parse(json.out).email, {
    smtp: true,
    server: `smtp://127.0.0.1:${smtp.port}`,
    answers: true,
  });
});

test('refused credentials or no server: exit 1 with the reason, never the password', async () => {
  const wrong = await doctor([], `smtp://doctor:Wrong-secret-9@127.0.0.1:${smtp.port}`);
  assert.equal(wrong.code, 1);
  assert.match(
    wrong.out,
    /^email: smtp:\/\/127\.0\.0\.1:\d+ does not answer: .*Verification and password-reset messages cannot be sent\.$/m,
  );
  assert.ok(!wrong.out.includes('Wrong-secret-9') && !wrong.err.includes('Wrong-secret-9'));
  const gone = await doctor(['--json'], 'smtp://127.0.0.1:1');
  assert.equal(gone.code, 1);
  const report = JSON.parse(gone.out);
  assert.equal(report.email.answers, false);
  assert.equal(typeof report.email.reason, 'string');
});
