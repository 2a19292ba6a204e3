// Client ID Metadata Documents: the URL rules, the document rules, caching within bounds, nothing cached on failure.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { clientIdMetadataSchema } from '../../../../src/config/schema-cimd.ts';
import { type FetchedJson, OutboundError } from '../../../../src/keys/outbound.ts';
import {
  MAX_FETCHES_IN_FLIGHT,
  metadataDocumentSource,
} from '../../../../src/protocol/clients/metadata-document.ts';
import { clientIdUrlProblem } from '../../../../src/protocol/clients/metadata-url.ts';
import { tokenOwner } from '../../../../src/protocol/clients/token-owner.ts';
import { OAuthError } from '../../../../src/protocol/errors.ts';
import { FixedClock } from '../../../../src/shared/clock.ts';
import { liveConfig, NOW } from '../../helpers.ts';

const ID = 'https://app.example/oauth/client.json';
const doc = (change: Record<string, unknown> = {}) => ({
  client_id: ID,
  client_name: 'Example app',
  redirect_uris: ['http://127.0.0.1:7777/callback'],
  grant_types: ['authorization_code', 'refresh_token'],
  ...change,
});

function setup(policy: Record<string, unknown> = {}) {
  const clock = new FixedClock(NOW);
  const served: { next: FetchedJson | Error } = { next: { body: doc(), maxAge: undefined } };
  let fetches = 0;
  const source = metadataDocumentSource({
    policy: clientIdMetadataSchema.parse({ enabled: true, ...policy }),
    outbound: { timeout: 1, maxBytes: 1000, allowLoopback: false, allowPrivateNetworks: false },
    config: () => liveConfig(),
    clock,
    fetch: async () => {
      fetches++;
      if (served.next instanceof Error) throw served.next;
      return served.next;
    },
  });
  return { source, clock, served, fetches: () => fetches };
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => assert.fail('expected a refusal'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof OAuthError, String(error));
  assert.equal(error.code, 'invalid_request');
  return error.description;
}

describe('client identifier URL (draft-ietf-oauth-client-id-metadata-document §3)', () => {
  for (const [id, why] of [
    ['http://app.example/client.json', /https/],
    ['https://app.example', /path/],
    ['https://app.example/', /path/],
    ['https://app.example/client.json#x', /fragment/],
    ['https://app.example/client.json?v=1', /query/],
    ['https://user:pw@app.example/client.json', /user name/],
    ['https://app.example/a/../client.json', /dot segments|normal form/],
    ['https://app.example/a/%2e%2e/client.json', /dot segments/],
    ['https://APP.example/client.json', /normal form/],
    ['https://app.example:443/client.json', /normal form/],
  ] as const) {
    test(`${id} is refused (${why})`, () => assert.match(clientIdUrlProblem(id) ?? 'accepted', why));
  }
  test('an https URL with a path is accepted', () => assert.equal(clientIdUrlProblem(ID), undefined));
});

describe('metadata document source', () => {
  test('a valid document becomes a public client that must ask for consent, with redirect URIs from the document', async () => {
    const { source } = setup();
    const client = await source.find(ID);
    assert.equal(client?.client_id, ID);
    assert.equal(client?.name, 'Example app');
    assert.deepEqual(client?.redirect_uris, ['http://127.0.0.1:7777/callback']);
    assert.equal(client?.public, true);
    assert.equal(client?.consentRequired, true);
    assert.equal(client?.requirePkce, true);
    assert.equal(client?.refreshToken.enabled, true);
  });

  test('scopes are only those the policy gives such clients, whatever the document asks for', async () => {
    const { source, served } = setup({ scopes: ['openid', 'profile'] });
    served.next = { body: doc({ scope: 'openid email admin' }), maxAge: undefined };
    assert.deepEqual([...(await source.find(ID))!.scopes], ['openid']);
  });

  test('private_key_jwt with jwks_uri makes a client that proves itself with its keys, never a secret', async () => {
    const { source, served } = setup();
    served.next = {
      body: doc({ token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'https://app.example/jwks.json' }),
      maxAge: undefined,
    };
    const client = await source.find(ID);
    assert.equal(client?.authMethod, 'private_key_jwt');
    assert.equal(client?.jwksUri, 'https://app.example/jwks.json');
    assert.equal(client?.public, false);
    assert.equal(client?.secretHash, '');
  });

  const bad: [string, unknown, RegExp][] = [
    ['not an object', ['a'], /not a JSON object/],
    ['another client_id', doc({ client_id: 'https://evil.example/client.json' }), /client_id is not the URL/],
    ['a client_secret', doc({ client_secret: 's3cret' }), /client_secret/],
    [
      'a secret-based method',
      doc({ token_endpoint_auth_method: 'client_secret_basic' }),
      /token_endpoint_auth_method/,
    ],
    ['a javascript: redirect', doc({ redirect_uris: ['javascript:alert(1)'] }), /javascript scheme/],
    ['no redirect URIs', doc({ redirect_uris: undefined }), /redirect_uris/],
    ['private_key_jwt without keys', doc({ token_endpoint_auth_method: 'private_key_jwt' }), /jwks/],
  ];
  for (const [name, body, why] of bad) {
    test(`a document with ${name} is refused and not cached`, async () => {
      const { source, served, fetches } = setup();
      served.next = { body, maxAge: 3600 };
      assert.match(await refusal(source.find(ID)), why);
      await refusal(source.find(ID));
      assert.equal(fetches(), 2, 'a refused document is fetched again, never served from the cache');
    });
  }

  test("a failed fetch names the guard's reason and is not cached", async () => {
    const { source, served, fetches } = setup();
    served.next = new OutboundError('it resolves to a private address');
    assert.match(await refusal(source.find(ID)), /fetching it failed: it resolves to a private address/);
    served.next = { body: doc(), maxAge: undefined };
    assert.equal((await source.find(ID))?.client_id, ID);
    assert.equal(fetches(), 2);
  });

  test('hosts: the deny list wins, and with an allow list only its hosts are fetched', async () => {
    const denied = setup({ deny_hosts: ['*.example'] });
    assert.match(await refusal(denied.source.find(ID)), /host is not accepted/);
    const allowed = setup({ allow_hosts: ['other.example'] });
    assert.match(await refusal(allowed.source.find(ID)), /host is not accepted/);
    assert.equal(denied.fetches() + allowed.fetches(), 0, 'nothing is fetched for a refused host');
    const ok = setup({ allow_hosts: ['*.example'] });
    assert.equal((await ok.source.find(ID))?.client_id, ID);
  });

  test('Cache-Control max-age is honoured within the configured bounds', async () => {
    const { source, served, clock, fetches } = setup({ cache_min_seconds: 60, cache_max_seconds: 600 });
    served.next = { body: doc(), maxAge: 120 };
    await source.find(ID);
    clock.advance(119);
    await source.find(ID);
    assert.equal(fetches(), 1, 'kept for its max-age');
    clock.advance(2);
    served.next = { body: doc(), maxAge: 0 };
    await source.find(ID);
    assert.equal(fetches(), 2, 'fetched again once max-age passed');
    clock.advance(59);
    await source.find(ID);
    assert.equal(fetches(), 2, 'no-store still keeps it for the minimum');
    clock.advance(2);
    served.next = { body: doc(), maxAge: 1_000_000 };
    await source.find(ID);
    clock.advance(601);
    await source.find(ID);
    assert.equal(fetches(), 4, 'a year-long max-age is cut to the maximum');
  });

  test('Expires is used when there is no max-age; nothing named means the default', async () => {
    const { source, served, clock, fetches } = setup({ cache_default_seconds: 300 });
    served.next = { body: doc(), maxAge: undefined, expiresIn: 1_000 };
    await source.find(ID);
    clock.advance(999);
    await source.find(ID);
    assert.equal(fetches(), 1);
    clock.advance(2);
    served.next = { body: doc(), maxAge: undefined };
    await source.find(ID);
    clock.advance(301);
    await source.find(ID);
    assert.equal(fetches(), 3);
  });

  test('concurrent lookups of one client share one fetch', async () => {
    const { source, fetches } = setup();
    await Promise.all([source.find(ID), source.find(ID), source.find(ID)]);
    assert.equal(fetches(), 1);
  });
});

describe('tokenOwner (introspection, UserInfo)', () => {
  const resolver = (error: Error) => ({
    find: async () => {
      throw error;
    },
    forget() {},
  });
  test('a client whose document is refused owns no tokens any more: undefined, not an error', async () => {
    assert.equal(await tokenOwner(resolver(new OAuthError('invalid_request', 'refused')), ID), undefined);
  });
  test('a store outage still fails the request', async () => {
    await assert.rejects(tokenOwner(resolver(new Error('store down')), ID), /store down/);
  });
});

test(`at most ${MAX_FETCHES_IN_FLIGHT} documents are fetched at once; the next is temporarily_unavailable`, async () => {
  const release: (() => void)[] = [];
  const source = metadataDocumentSource({
    policy: clientIdMetadataSchema.parse({ enabled: true }),
    outbound: { timeout: 1, maxBytes: 1000, allowLoopback: false, allowPrivateNetworks: false },
    config: () => liveConfig(),
    clock: new FixedClock(NOW),
    fetch: (url) =>
      new Promise((resolve) =>
        release.push(() => resolve({ body: doc({ client_id: url }), maxAge: undefined })),
      ),
  });
  const ids = Array.from({ length: MAX_FETCHES_IN_FLIGHT }, (_, i) => `https://app.example/c${i}.json`);
  const pending = ids.map((id) => source.find(id));
  const error = await source.find('https://app.example/one-more.json').catch((e: unknown) => e);
  assert.ok(error instanceof OAuthError);
  assert.equal(error.code, 'temporarily_unavailable');
  for (const r of release) r();
  assert.equal((await Promise.all(pending)).length, MAX_FETCHES_IN_FLIGHT);
  assert.equal((await source.find('https://app.example/c0.json'))?.client_id, 'https://app.example/c0.json');
});
