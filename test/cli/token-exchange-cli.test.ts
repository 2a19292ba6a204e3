// tessera trusted-issuer and client --token-exchange (RFC 8693): a gateway's policy set, shown, removed.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { cliRunner } from '../fixtures/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'tessera-cli-exchange-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const tessera = cliRunner(dir);
const ORDERS = 'https://orders.example/api';
const PARTNER = 'https://idp.partner.example';
const KEY = JSON.stringify({
  keys: [
    {
      kty: 'EC',
      crv: 'P-256',
      x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
      y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
      kid: 'p1',
    },
  ],
});
const POLICY = JSON.stringify({
  subject_token_types: ['access_token', 'jwt'],
  audiences: [ORDERS],
  impersonation: true,
  trusted_issuers: [PARTNER],
});

test('trusted-issuer add, then client create --token-exchange: the policy is committed and shown', () => {
  assert.equal(tessera(['scope', 'create', 'orders:read']).code, 0);
  assert.equal(tessera(['api', 'create', ORDERS, '--scope', 'orders:read']).code, 0);
  const added = tessera(['trusted-issuer', 'add', PARTNER, '--name', 'Partner', '--jwks', KEY]);
  assert.equal(added.code, 0, added.err);
  const created = tessera([
    'client',
    'create',
    '--id',
    'gateway',
    '--capability',
    'token_exchange',
    '--scope',
    'orders:read',
    '--token-exchange',
    POLICY,
  ]);
  assert.equal(created.code, 0, created.err);
  const shown = JSON.parse(tessera(['client', 'show', 'gateway']).out);
  assert.deepEqual(shown.token_exchange.audiences, [ORDERS]);
  assert.deepEqual(shown.capabilities, ['token_exchange']);
  const listed = tessera(['trusted-issuer', 'list']);
  assert.match(listed.out, new RegExp(`^${PARTNER}\\tPartner\\tkeys by value\\tgateway$`, 'm'));
});

test('trusted-issuer remove while a client trusts it: the commit is refused and names the client', () => {
  const res = tessera(['trusted-issuer', 'remove', PARTNER]);
  assert.notEqual(res.code, 0);
  assert.match(res.out + res.err, /gateway/);
});

test('client update --no-token-exchange removes the policy', () => {
  const res = tessera([
    'client',
    'update',
    'gateway',
    '--capability',
    'client_credentials',
    '--no-token-exchange',
  ]);
  assert.equal(res.code, 0, res.err);
  assert.equal(JSON.parse(tessera(['client', 'show', 'gateway']).out).token_exchange, undefined);
});

test('a policy that is not JSON is refused before anything is changed', () => {
  const res = tessera(['client', 'update', 'gateway', '--token-exchange', '{not json']);
  assert.notEqual(res.code, 0);
  assert.match(res.err, /not a JSON object/);
});
