// tessera client create with the Device Flow capability (RFC 8628): a public TV client, then one with a secret too.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { cliRunner } from '../fixtures/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'tessera-cli-device-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const tessera = cliRunner(dir);

test('client create --capability device_code --auth none: a public device client without redirect URIs', () => {
  const res = tessera([
    'client',
    'create',
    '--id',
    'tv',
    '--name',
    'Living-room TV',
    '--capability',
    'device_code',
    '--auth',
    'none',
    '--scope',
    'openid',
  ]);
  assert.equal(res.code, 0, res.err);
  const shown = JSON.parse(tessera(['client', 'show', 'tv']).out);
  assert.deepEqual(
    [shown.capabilities, shown.redirect_uris, shown.token_endpoint_auth_method],
    [['device_code'], [], 'none'],
  );
});

test('client update --capability code --capability device_code adds the Code Flow beside it', () => {
  const res = tessera([
    'client',
    'update',
    'tv',
    '--capability',
    'code',
    '--capability',
    'device_code',
    '--redirect-uri',
    'http://localhost/callback',
  ]);
  assert.equal(res.code, 0, res.err);
  assert.deepEqual(JSON.parse(tessera(['client', 'show', 'tv']).out).capabilities, ['code', 'device_code']);
});

test('an unknown capability is refused with the ones there are', () => {
  const res = tessera(['client', 'create', '--id', 'x', '--capability', 'device', '--auth', 'none']);
  assert.equal(res.code, 2);
  assert.match(res.err, /device_code/);
});
