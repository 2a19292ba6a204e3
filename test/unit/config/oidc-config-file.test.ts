// Another provider (oidc authenticator) in the config file: the commit-time rules hold at load, with paths, and
// its client secret may come from an environment variable named by client_secret_env instead of the file.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { stringify } from 'yaml';
import { ConfigError, loadConfig } from '../../../src/config/load.ts';

const dir = mkdtempSync(join(tmpdir(), 'tessera-oidc-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

const provider = (extra: Record<string, unknown> = {}) => ({
  id: 'acme',
  type: 'oidc',
  name: 'Acme',
  issuer: 'https://login.acme.example',
  client_id: 'tessera',
  ...extra,
});

function load(authenticators: unknown[], env: NodeJS.ProcessEnv = {}) {
  const path = join(dir, `config-${++files}.yaml`);
  writeFileSync(
    path,
    stringify({ authenticators: [{ id: 'username-password', type: 'html-form' }, ...authenticators] }),
  );
  return loadConfig({ config: path }, env);
}

function issues(authenticators: unknown[], env: NodeJS.ProcessEnv = {}): string[] {
  try {
    load(authenticators, env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.issues.map((i) => `${i.path}: ${i.message}`);
  }
  return assert.fail('the file was accepted');
}

test("client_secret_env: the secret is the variable's value, kept in memory as the file's own entry", () => {
  const loaded = load([provider({ client_secret_env: 'ACME_SECRET' })], {
    ACME_SECRET: 'from-the-environment',
  });
  const acme = loaded.declared.authenticators.find((a) => a.id === 'acme');
  assert.equal(acme?.type === 'oidc' && acme.client_secret, 'from-the-environment');
  assert.ok(acme && !('client_secret_env' in acme));
});

test('client_secret_env refusals: unset or empty, given with client_secret, not a variable name', () => {
  assert.deepEqual(issues([provider({ client_secret_env: 'ACME_SECRET' })], { ACME_SECRET: '' }), [
    'authenticators[1].client_secret_env: the environment variable ACME_SECRET is not set (or empty)',
    'authenticators[1].client_secret: the client secret the provider issued is required (or choose client authentication "none")',
  ]);
  assert.deepEqual(
    issues([provider({ client_secret_env: 'ACME_SECRET', client_secret: 'x' })], { ACME_SECRET: 'y' })[0],
    'authenticators[1].client_secret_env: give the secret once: client_secret or client_secret_env, not both',
  );
  assert.match(
    issues([provider({ client_secret_env: 'not a name', client_secret: 'x' })])[0]!,
    /^authenticators\[1\]\.client_secret_env: name an environment variable/,
  );
});

test('the commit-time rules hold for the file: https issuer, a secret, claims Tessera keeps; openid is added', () => {
  assert.deepEqual(
    issues([provider({ issuer: 'http://login.acme.example', client_secret: 's', claims: { sub: 'oid' } })]),
    [
      'authenticators[1].issuer: must use https (http only for a provider on this machine, in development)',
      'authenticators[1].claims.sub: the account is linked by the provider\'s issuer and "sub", which is never copied into a profile',
    ],
  );
  const loaded = load([provider({ client_secret: 's', scopes: ['email'] })]);
  const acme = loaded.declared.authenticators.find((a) => a.id === 'acme');
  assert.deepEqual(acme?.type === 'oidc' && acme.scopes, ['openid', 'email']);
});
