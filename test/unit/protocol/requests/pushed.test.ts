// Pushed requests (RFC 9126): a URN request_uri, only its hash stored, taken once, by its own client, before expiry.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { OAuthError } from '../../../../src/protocol/errors.ts';
import {
  pushRequest,
  REQUEST_URI_PREFIX,
  storableParams,
  takePushedRequest,
} from '../../../../src/protocol/requests/pushed.ts';
import { sha256 } from '../../../../src/shared/crypto.ts';
import { authorizeParams, harness, NOW } from '../../helpers.ts';

const code = (result: unknown) => (result instanceof OAuthError ? result.code : 'accepted');

describe('pushed requests', () => {
  test('the request_uri is a urn:ietf:params:oauth:request_uri URN and only the hash of its random part is stored', async () => {
    const h = harness();
    let stored: unknown;
    const push = h.deps.pushedRequests.push.bind(h.deps.pushedRequests);
    h.deps.pushedRequests.push = async (request) => {
      stored = request;
      await push(request);
    };
    const pushed = await pushRequest('web', authorizeParams(), 60, h.deps);
    assert.ok(pushed.request_uri.startsWith(REQUEST_URI_PREFIX));
    assert.equal(pushed.expires_in, 60);
    const reference = pushed.request_uri.slice(REQUEST_URI_PREFIX.length);
    assert.match(reference, /^[A-Za-z0-9_-]{43}$/);
    assert.deepEqual(stored, {
      hash: sha256(reference),
      clientId: 'web',
      params: authorizeParams(),
      expiresAt: NOW + 60,
    });
    assert.ok(!JSON.stringify(stored).includes(reference), 'the request_uri itself is not stored');
  });

  test('a request_uri is taken once: the second take is invalid_request_uri (RFC 9126 §4)', async () => {
    const h = harness();
    const { request_uri } = await pushRequest('web', authorizeParams(), 60, h.deps);
    assert.deepEqual(await takePushedRequest(request_uri, 'web', h.deps), authorizeParams());
    assert.equal(code(await takePushedRequest(request_uri, 'web', h.deps)), 'invalid_request_uri');
  });

  test('an expired request_uri is invalid_request_uri', async () => {
    const h = harness();
    const { request_uri } = await pushRequest('web', authorizeParams(), 60, h.deps);
    h.clock.advance(61);
    assert.equal(code(await takePushedRequest(request_uri, 'web', h.deps)), 'invalid_request_uri');
  });

  test("another client's request_uri is invalid_request_uri (RFC 9126 §4: bound to the client)", async () => {
    const h = harness();
    const { request_uri } = await pushRequest('web', authorizeParams(), 60, h.deps);
    assert.equal(code(await takePushedRequest(request_uri, 'other', h.deps)), 'invalid_request_uri');
  });

  test('a request_uri without a client_id is invalid_request', async () => {
    const h = harness();
    const { request_uri } = await pushRequest('web', authorizeParams(), 60, h.deps);
    assert.equal(code(await takePushedRequest(request_uri, undefined, h.deps)), 'invalid_request');
  });

  test('a URL is request_uri_not_supported; anything else not issued here is invalid_request_uri', async () => {
    const h = harness();
    assert.equal(
      code(await takePushedRequest('https://rp.example/r.jwt', 'web', h.deps)),
      'request_uri_not_supported',
    );
    for (const odd of [
      'urn:ietf:params:oauth:request_uri:',
      'urn:ietf:params:oauth:request_uri:short',
      `${REQUEST_URI_PREFIX}${'a'.repeat(43)}/../x`,
      `${REQUEST_URI_PREFIX}${'a'.repeat(5000)}`,
      'urn:example:other',
      '%00',
    ])
      assert.equal(code(await takePushedRequest(odd, 'web', h.deps)), 'invalid_request_uri', odd);
  });

  test('what is stored: authorization parameters and every resource, not request, request_uri or others', () => {
    const stored = storableParams({
      ...authorizeParams(),
      request: 'a.b.c',
      request_uri: 'urn:x',
      client_secret: 'secret',
      resource: ['https://a.example', 'https://b.example'],
      empty: '',
    });
    assert.deepEqual(stored, { ...authorizeParams(), resource: ['https://a.example', 'https://b.example'] });
  });
});
