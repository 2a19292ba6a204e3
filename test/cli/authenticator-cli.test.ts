// `tessera authenticator`: every type from the command line, each change one commit; another provider's secret
// comes from stdin (or a flag, with a warning), is never printed or exported in plaintext, stays when an update
// gives none and is replaced by a new one; a refusal names the field.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { cliRunner } from '../fixtures/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'tessera-cli-authenticator-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const tessera = cliRunner(dir);
const SECRET = 'upstream-Secret-9Kj3Hg7Fd1Sa5Qw2Er8Ty4Ui';
const NEW_SECRET = 'upstream-Replaced-6Zx1Cv5Bn9Mq3Wp7Lk2Jh';

/** The sealed secret of a provider, as `config export` writes it. */
const sealedIn = (exported: string) => /client_secret_sealed: (\S+)/.exec(exported)?.[1];

test('another provider from the CLI: secret from stdin, never printed; kept on update, replaced by a new one; exported only sealed', () => {
  const created = tessera(
    [
      'authenticator',
      'create',
      'acme',
      '--type',
      'oidc',
      '--name',
      'Acme',
      '--issuer',
      'https://login.acme.example',
      '--client-id',
      'tessera',
      '--client-secret-stdin',
      '--scope',
      'profile',
      '--claim',
      'name=displayName',
      '--claim',
      'email=mail',
      '--create-accounts',
    ],
    `${SECRET}\n`,
  );
  assert.equal(created.code, 0, created.err);
  assert.match(created.out, /committed revision \d+: create authenticator acme/);
  assert.match(
    created.out,
    /redirect URI to register at the provider: http:\/\/localhost:8443\/authn\/callback\/oidc\/acme/,
  );
  assert.match(
    tessera(['authenticator', 'list']).out,
    /^acme\toidc\tSign in with Acme\thttps:\/\/login\.acme\.example\tsecret set$/m,
  );
  const shown = tessera(['authenticator', 'show', 'acme']);
  const view = JSON.parse(shown.out);
  assert.equal(view.has_client_secret, true);
  assert.deepEqual(view.scopes, ['openid', 'profile'], 'openid added');
  assert.deepEqual(view.claims, { name: 'displayName', email: 'mail' });
  assert.equal(view.create_accounts, true);
  assert.equal(view.redirect_uri, 'http://localhost:8443/authn/callback/oidc/acme');
  assert.doesNotMatch(shown.out, /"client_secret"|client_secret_sealed/);
  const exported = tessera(['config', 'export']).out;
  const sealed = sealedIn(exported);
  assert.match(sealed ?? '', /^v1\./);
  const renamed = tessera(['authenticator', 'update', 'acme', '--name', 'Acme Corp', '--trust-upstream']);
  assert.equal(renamed.code, 0, renamed.err);
  const afterRename = tessera(['config', 'export']).out;
  assert.equal(sealedIn(afterRename), sealed, 'no secret given: the sealed one stays');
  assert.match(afterRename, /name: Acme Corp/);
  const replaced = tessera(['authenticator', 'update', 'acme', '--client-secret-stdin'], `${NEW_SECRET}\n`);
  assert.equal(replaced.code, 0, replaced.err);
  const afterReplace = tessera(['config', 'export']).out;
  assert.notEqual(sealedIn(afterReplace), sealed, 'a new secret replaces it');
  const everything =
    [created, renamed, replaced].map((r) => r.out + r.err).join('') + exported + afterReplace;
  assert.doesNotMatch(everything, new RegExp(`${SECRET}|${NEW_SECRET}`));
  const diff = tessera(['config', 'diff', '--revision', /committed revision (\d+)/.exec(replaced.out)![1]!]);
  assert.match(diff.out, /^ {4}client secret: \(a secret\) → \(a new secret\)$/m);
  assert.doesNotMatch(diff.out, /v1\.|Replaced/);
});

test('a secret given as a flag works with a warning; a refusal names the field; delete', () => {
  const flagged = tessera([
    'authenticator',
    'create',
    'beta',
    '--type',
    'oidc',
    '--name',
    'Beta',
    '--issuer',
    'https://beta.example',
    '--client-id',
    'tessera',
    '--client-secret',
    SECRET,
    '--auth',
    'client_secret_post',
  ]);
  assert.equal(flagged.code, 0, flagged.err);
  assert.match(flagged.err, /warning: a secret on the command line stays in your shell history/);
  const refused = tessera([
    'authenticator',
    'update',
    'beta',
    '--issuer',
    'http://beta.example',
    '--claim',
    'sub=oid',
  ]);
  assert.equal(refused.code, 2);
  assert.match(refused.err, /issuer: must use https/);
  assert.match(refused.err, /claims\.sub: the account is linked by the provider's issuer/);
  const deleted = tessera(['authenticator', 'delete', 'beta']);
  assert.equal(deleted.code, 0, deleted.err);
  assert.doesNotMatch(tessera(['authenticator', 'list']).out, /^beta\t/m);
});

test('the other types: html-form with its email settings, totp with its app label, passkey options', () => {
  const form = tessera([
    'authenticator',
    'create',
    'staff',
    '--type',
    'html-form',
    '--no-registration',
    '--require-verified-email',
    '--no-password-reset',
  ]);
  assert.equal(form.code, 0, form.err);
  const totp = tessera(['authenticator', 'create', 'codes', '--type', 'totp', '--issuer', 'Acme Bank']);
  assert.equal(totp.code, 0, totp.err);
  const passkey = tessera([
    'authenticator',
    'create',
    'keys',
    '--type',
    'passkey',
    '--user-verification',
    'preferred',
    '--no-passwordless',
  ]);
  assert.equal(passkey.code, 0, passkey.err);
  assert.equal(tessera(['authenticator', 'update', 'staff', '--registration']).code, 0);
  const list = tessera(['authenticator', 'list']).out;
  assert.match(list, /^staff\thtml-form\tregistration on$/m);
  assert.match(list, /^codes\ttotp\tapp label Acme Bank$/m);
  assert.match(list, /^keys\tpasskey\tuser verification preferred, after a password$/m);
  const staff = JSON.parse(tessera(['authenticator', 'show', 'staff']).out);
  assert.deepEqual(staff, {
    id: 'staff',
    type: 'html-form',
    registration: true,
    require_verified_email: true,
    password_reset: false,
  });
  const wrong = tessera(['authenticator', 'update', 'codes', '--name', 'x']);
  assert.equal(wrong.code, 2);
  assert.match(wrong.err, /name/);
});
