// `tessera policy` and `tessera client --policy`: policies from the command line, committed at once, refused with the reason.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { cliRunner } from '../fixtures/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'tessera-cli-policy-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const tessera = cliRunner(dir);

test('authenticator, policy and a client naming it from the CLI; list shows steps and the client; a bad policy is refused', () => {
  const file = join(dir, 'authenticators.yaml');
  writeFileSync(
    file,
    'authenticators:\n  - { id: username-password, type: html-form }\n  - { id: app-codes, type: totp }\n',
  );
  const authn = tessera(['config', 'import', file]);
  assert.equal(authn.code, 0, authn.err);
  const created = tessera([
    'policy',
    'create',
    'mfa',
    '--name',
    'Password and app code',
    '--step',
    'username-password',
    '--step',
    'app-codes',
  ]);
  assert.equal(created.code, 0, created.err);
  assert.match(created.out, /committed revision \d+: create policy mfa/);
  const client = tessera([
    'client',
    'create',
    '--id',
    'bank',
    '--redirect-uri',
    'https://bank.example/cb',
    '--policy',
    'mfa',
  ]);
  assert.equal(client.code, 0, client.err);
  assert.match(
    tessera(['policy', 'list']).out,
    /^mfa\turn:tessera:policy:mfa\tusername-password then app-codes\tenrol\tbank$/m,
  );
  const refused = tessera(['policy', 'create', 'bad', '--step', 'app-codes']);
  assert.equal(refused.code, 2);
  assert.match(refused.err, /second factor/);
  assert.equal(tessera(['policy', 'update', 'mfa', '--no-enrol']).code, 0);
  assert.match(tessera(['policy', 'list']).out, /\tno-enrol\t/);
});
