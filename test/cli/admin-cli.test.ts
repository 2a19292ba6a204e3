// The admin command line against a local database: admin and user accounts, scopes, APIs and machine clients, and config as code.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { parse } from 'yaml';
import { cliRunner } from '../fixtures/cli.ts';
import { WWW_SECRET } from '../fixtures/server.ts';

const dir = mkdtempSync(join(tmpdir(), 'tessera-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const tessera = cliRunner(dir);

describe('tessera admin and tessera user', () => {
  test('admin create reads the password from stdin, refuses a short one and a taken name; admin list shows it', () => {
    assert.equal(tessera(['admin', 'create', 'root'], 'short\n').code, 2);
    const ok = tessera(['admin', 'create', 'root'], 'a long admin password\n');
    assert.equal(ok.code, 0, ok.err);
    assert.equal(tessera(['admin', 'create', 'ROOT'], 'a long admin password\n').code, 2);
    assert.match(tessera(['admin', 'list']).out, /^root\tcreated /m);
  });

  test('user create, list, disable and enable', () => {
    const created = tessera(
      ['user', 'create', 'johndoe', '--email', 'john@example.com'],
      'user password 1\n',
    );
    assert.equal(created.code, 0, created.err);
    assert.match(tessera(['user', 'list']).out, /^johndoe\tactive/m);
    assert.equal(tessera(['user', 'disable', 'johndoe']).code, 0);
    assert.match(tessera(['user', 'list']).out, /^johndoe\tdisabled/m);
    assert.equal(tessera(['user', 'enable', 'johndoe']).code, 0);
    assert.equal(tessera(['user', 'disable', 'nobody']).code, 2);
    assert.equal(tessera(['user', 'create', 'johndoe'], 'user password 1\n').code, 2, 'taken');
  });
});

describe('tessera scope and tessera config', () => {
  test('scope create commits at once; a built-in name is refused with the reason', () => {
    const created = tessera(['scope', 'create', 'calendar.read', '--claim', 'calendar_id']);
    assert.equal(created.code, 0, created.err);
    assert.match(created.out, /committed revision \d+: create scope calendar.read/);
    assert.match(tessera(['scope', 'list']).out, /^calendar\.read\t\tcalendar_id$/m);
    const refused = tessera(['scope', 'create', 'openid']);
    assert.equal(refused.code, 2);
    assert.match(refused.err, /built-in/);
  });

  test('--draft collects edits; config diff shows them; config commit makes one revision', () => {
    assert.equal(tessera(['scope', 'update', 'calendar.read', '--claim', 'tz', '--draft']).code, 0);
    assert.equal(tessera(['scope', 'create', 'reports', '--draft']).code, 0);
    const diff = tessera(['config', 'diff']);
    assert.match(diff.out, /~ scope calendar\.read\n {4}claims released: \+ tz, - calendar_id/);
    assert.match(diff.out, /\+ scope reports/);
    const committed = tessera(['config', 'commit', '-m', 'two scope edits']);
    assert.match(committed.out, /committed revision \d+: two scope edits/);
    assert.equal(tessera(['config', 'diff']).out, 'no changes\n');
  });

  test('config export, edit, import as one commit; secrets end up hashed; history and rollback', () => {
    const file = join(dir, 'config.yaml');
    assert.equal(tessera(['config', 'export', '-o', file]).code, 0);
    const doc = parse(readFileSync(file, 'utf8'));
    assert.deepEqual(
      doc.scopes.map((s: { name: string }) => s.name),
      ['calendar.read', 'reports'],
    );
    doc.clients = [{ client_id: 'www', redirect_uris: ['http://localhost/callback'], secret: WWW_SECRET }];
    doc.scopes = doc.scopes.filter((s: { name: string }) => s.name !== 'reports');
    writeFileSync(file, JSON.stringify(doc));
    const diff = tessera(['config', 'diff', file]);
    assert.match(diff.out, /- scope reports/);
    assert.match(diff.out, /\+ client www/);
    const before = tessera(['config', 'history']).out.split('\n')[0]!.split('\t')[0];
    const imported = tessera(['config', 'import', file, '-m', 'config as code']);
    assert.equal(imported.code, 0, imported.err);
    assert.match(imported.out, /committed revision \d+: config as code/);
    const exported = tessera(['config', 'export']).out;
    assert.match(exported, /secret_hash: hmac-sha256:/);
    assert.ok(!exported.includes(WWW_SECRET), 'the plaintext secret is not stored');
    const history = tessera(['config', 'history', '--diff']).out;
    assert.match(history, /config as code\n {4}- scope reports/);
    const back = tessera(['config', 'rollback', before!]);
    assert.match(back.out, new RegExp(`roll back to revision ${before}`));
    assert.doesNotMatch(tessera(['config', 'export']).out, /client_id: www/);
  });

  test('an invalid file is refused whole, with every problem and its path', () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(
      file,
      'clients:\n  - client_id: bad\n    redirect_uris: ["http://example.com/cb#x"]\n    authenticator: nobody\n    secret_hash: x\n',
    );
    const res = tessera(['config', 'import', file]);
    assert.equal(res.code, 2);
    assert.match(res.err, /clients\[0\]\.redirect_uris\[0\]: .*fragment/);
    const unknownRef = join(dir, 'ref.yaml');
    writeFileSync(
      unknownRef,
      'clients:\n  - client_id: ref\n    redirect_uris: ["https://a.example/cb"]\n    authenticator: nobody\n    secret_hash: x\n',
    );
    assert.match(
      tessera(['config', 'import', unknownRef]).err,
      /clients\[ref\]\.authenticator: no authenticator with id "nobody"/,
    );
  });
});

describe('tessera api and machine clients', () => {
  const API = 'https://api.example.com';

  test('api create, list and update; the diff speaks in words', () => {
    assert.equal(tessera(['scope', 'create', 'orders.read']).code, 0);
    const created = tessera(['api', 'create', API, '--name', 'Orders', '--scope', 'orders.read']);
    assert.equal(created.code, 0, created.err);
    assert.match(created.out, /committed revision \d+: create API https:\/\/api.example.com/);
    assert.match(tessera(['api', 'list']).out, /^https:\/\/api\.example\.com\tjwt\t300s\torders\.read\t$/m);
    assert.equal(tessera(['api', 'update', API, '--format', 'opaque', '--draft']).code, 0);
    assert.match(
      tessera(['config', 'diff']).out,
      /~ API https:\/\/api\.example\.com\n {4}token format: JWT → opaque\n/,
    );
    assert.equal(tessera(['config', 'discard']).code, 0);
    const bad = tessera(['api', 'create', 'https://x.example/#frag']);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /identifier: .*fragment/);
  });

  test('client create --capability client_credentials --auth private_key_jwt --jwks-uri: no redirect URI, no secret', () => {
    const res = tessera([
      'client',
      'create',
      '--id',
      'svc',
      '--capability',
      'client_credentials',
      '--auth',
      'private_key_jwt',
      '--jwks-uri',
      'https://svc.example/jwks.json',
      '--auth-alg',
      'ES256',
      '--api',
      API,
      '--scope',
      'orders.read',
      '--dpop',
    ]);
    assert.equal(res.code, 0, res.err);
    assert.match(
      res.out,
      /^client_id: {5}svc\n\(committed as revision \d+; it authenticates with private_key_jwt: no secret\)\n$/,
    );
    const shown = JSON.parse(tessera(['client', 'show', 'svc']).out);
    assert.deepEqual(
      [shown.capabilities, shown.redirect_uris, shown.jwks_uri, shown.apis, shown.dpop_bound_access_tokens],
      [['client_credentials'], [], 'https://svc.example/jwks.json', [API], true],
    );
    assert.match(tessera(['api', 'list']).out, /\tsvc$/m, 'the API lists the client it allows');
  });

  test('client update --profile fapi2 is refused with each FAPI 2.0 rule it breaks; with the rules met it is taken', () => {
    const refused = tessera(['client', 'update', 'svc', '--profile', 'fapi2', '--no-par']);
    assert.equal(refused.code, 2);
    assert.match(refused.err, /id_token_signed_response_alg: FAPI 2\.0 \(§5\.4\.1\)/);
    assert.match(refused.err, /require_pushed_authorization_requests: FAPI 2\.0 \(§5\.3\.2\.2\)/);
    const ok = tessera(['client', 'update', 'svc', '--profile', 'fapi2', '--id-token-alg', 'PS256']);
    assert.equal(ok.code, 0, ok.err);
    assert.equal(JSON.parse(tessera(['client', 'show', 'svc']).out).profile, 'fapi2');
    assert.equal(tessera(['client', 'update', 'svc', '--no-profile']).code, 0);
    assert.equal(JSON.parse(tessera(['client', 'show', 'svc']).out).profile, undefined);
  });

  test('a pasted JWKS with a private key is refused; client_secret_jwt prints its secret once and stores it sealed', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const leaked = tessera([
      'client',
      'create',
      '--id',
      'leak',
      '--capability',
      'client_credentials',
      '--auth',
      'private_key_jwt',
      '--jwks',
      JSON.stringify({ keys: [privateKey.export({ format: 'jwk' })] }),
    ]);
    assert.equal(leaked.code, 2);
    assert.match(leaked.err, /private or symmetric key/);
    const hs = tessera([
      'client',
      'create',
      '--id',
      'hs',
      '--capability',
      'client_credentials',
      '--auth',
      'client_secret_jwt',
    ]);
    assert.equal(hs.code, 0, hs.err);
    const secret = /client_secret: (\S+)/.exec(hs.out)![1]!;
    const exported = tessera(['config', 'export']).out;
    assert.match(exported, /secret_sealed: v1\./);
    assert.ok(!exported.includes(secret), 'the secret is kept sealed, not in plaintext');
  });

  test('api delete is refused while a client allows the API, naming the client', () => {
    const refused = tessera(['api', 'delete', API]);
    assert.equal(refused.code, 2);
    assert.match(
      refused.err,
      /clients\[svc\]\.apis\[0\]: no API with identifier "https:\/\/api\.example\.com"/,
    );
    assert.equal(
      tessera(['client', 'update', 'svc', '--api', 'none-left']).code,
      2,
      'an unknown API is refused too',
    );
  });
});
