// Each upstream's discovered configuration: read through the given fetch, kept per authenticator config for an
// hour, read again after a change, and never kept when the upstream was down; failures sorted by whose they are.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  createUpstreamProviders,
  type OidcAuthenticator,
  type UpstreamFetch,
  upstreamFailure,
} from '../../../../../src/authn/authenticators/oidc/providers.ts';
import { FixedClock } from '../../../../../src/shared/clock.ts';

const ISSUER = 'https://idp.example.com';
const secrets = { seal: (v: string) => `sealed:${v}`, open: (v: string) => v.replace(/^sealed:/, '') };

const acme = (overrides: Partial<OidcAuthenticator> = {}): OidcAuthenticator => ({
  id: 'acme',
  type: 'oidc',
  name: 'Acme',
  issuer: ISSUER,
  client_id: 'tessera',
  client_secret: 's3cret',
  token_endpoint_auth_method: 'client_secret_basic',
  scopes: ['openid'],
  create_accounts: false,
  claims: {},
  trust_upstream_authentication: false,
  ...overrides,
});

const discovery = (issuer = ISSUER) =>
  new Response(
    JSON.stringify({
      issuer,
      authorization_endpoint: `${ISSUER}/authorize`,
      token_endpoint: `${ISSUER}/token`,
      jwks_uri: `${ISSUER}/jwks`,
    }),
    { status: 200, headers: { 'content-type': 'application/json' } },
  );

function harness(answers: (() => Promise<Response>)[]) {
  const urls: string[] = [];
  const fetch: UpstreamFetch = async (url) => {
    urls.push(url);
    const next = answers.shift();
    if (!next) throw new Error('no more answers');
    return next();
  };
  const clock = new FixedClock(1_700_000_000);
  return { urls, clock, providers: createUpstreamProviders({ fetch, clock, allowLoopback: false }) };
}

test('discovery reads the well-known document once per authenticator config', async () => {
  const h = harness([async () => discovery()]);
  const first = await h.providers.configuration(acme(), secrets);
  assert.equal(first.serverMetadata().issuer, ISSUER);
  assert.equal(await h.providers.configuration(acme(), secrets), first);
  assert.deepEqual(h.urls, [`${ISSUER}/.well-known/openid-configuration`]);
});

test('a commit that changes the authenticator (its secret, say) reads it again; so does an hour later', async () => {
  const h = harness([async () => discovery(), async () => discovery(), async () => discovery()]);
  const first = await h.providers.configuration(acme(), secrets);
  const changed = await h.providers.configuration(acme({ client_secret: 'rotated' }), secrets);
  assert.notEqual(changed, first);
  h.clock.advance(3600);
  await h.providers.configuration(acme({ client_secret: 'rotated' }), secrets);
  assert.equal(h.urls.length, 3);
});

test('an upstream that was down is asked again at the next login', async () => {
  const h = harness([() => Promise.reject(new Error('connect ECONNREFUSED')), async () => discovery()]);
  const down = await h.providers.configuration(acme(), secrets).catch((e: unknown) => e);
  assert.equal(upstreamFailure(down), 'unavailable');
  const up = await h.providers.configuration(acme(), secrets);
  assert.equal(up.serverMetadata().issuer, ISSUER);
  assert.equal(h.urls.length, 2);
});

test('failures: a 5xx is the upstream being unavailable, a document for another issuer is rejected', async () => {
  const h = harness([
    async () => new Response('busy', { status: 503 }),
    async () => discovery('https://attacker.example'),
  ]);
  assert.equal(
    upstreamFailure(await h.providers.configuration(acme(), secrets).catch((e: unknown) => e)),
    'unavailable',
  );
  assert.equal(
    upstreamFailure(await h.providers.configuration(acme(), secrets).catch((e: unknown) => e)),
    'rejected',
  );
});

test('a secret neither given nor sealed, or sealed under another key, is a misconfiguration; none is asked', async () => {
  const h = harness([]);
  const { client_secret: _none, ...withoutSecret } = acme();
  const missing = await Promise.resolve()
    .then(() => h.providers.configuration(withoutSecret, secrets))
    .catch((e: unknown) => e);
  assert.equal(upstreamFailure(missing), 'misconfigured');
  const broken = {
    seal: secrets.seal,
    open: () => {
      throw new Error('wrong key');
    },
  };
  const unopened = await Promise.resolve()
    .then(() => h.providers.configuration({ ...withoutSecret, client_secret_sealed: 'x' }, broken))
    .catch((e: unknown) => e);
  assert.equal(upstreamFailure(unopened), 'misconfigured');
  assert.deepEqual(h.urls, []);
});

test('the sealed secret is opened for an authenticator committed without the plaintext', async () => {
  const h = harness([async () => discovery()]);
  const opened: string[] = [];
  const box = {
    seal: secrets.seal,
    open: (v: string) => {
      opened.push(v);
      return secrets.open(v);
    },
  };
  const { client_secret: _plain, ...sealed } = acme();
  const found = await h.providers.configuration({ ...sealed, client_secret_sealed: 'sealed:s3cret' }, box);
  assert.equal(found.clientMetadata().client_id, 'tessera');
  assert.deepEqual(opened, ['sealed:s3cret']);
});
