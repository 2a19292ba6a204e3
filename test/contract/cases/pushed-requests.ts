// PushedRequestStore contract: a pushed authorization request is taken once, and only before it expires
// (RFC 9126 §4: request_uri values are one-time use; §2.2: each has an expires_in).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pushedRequest, T0, type UseStore } from './fixtures.ts';

export function pushedRequestCases(use: UseStore): void {
  const requests = () => use().pushedRequests;

  test('take returns the pushed request with every field and parameter as pushed', async () => {
    await requests().push(pushedRequest());
    assert.deepEqual(await requests().take('par-hash-1', T0 + 1), pushedRequest());
  });

  test('take a second time answers undefined: the request was used', async () => {
    await requests().push(pushedRequest());
    await requests().take('par-hash-1', T0 + 1);
    assert.equal(await requests().take('par-hash-1', T0 + 2), undefined);
  });

  test('take of an unknown hash answers undefined and leaves other requests to take', async () => {
    await requests().push(pushedRequest());
    assert.equal(await requests().take('par-hash-2', T0 + 1), undefined);
    assert.ok(await requests().take('par-hash-1', T0 + 1));
  });

  test('take at or after expiresAt answers undefined; a second before, the request is taken', async () => {
    await requests().push(pushedRequest({ hash: 'expired' }));
    await requests().push(pushedRequest({ hash: 'live' }));
    assert.equal(await requests().take('expired', T0 + 60), undefined);
    assert.equal((await requests().take('live', T0 + 59))?.hash, 'live');
  });

  test('take of one request leaves another of the same client unused', async () => {
    await requests().push(pushedRequest({ hash: 'first' }));
    await requests().push(pushedRequest({ hash: 'second', params: { response_type: 'code' } }));
    await requests().take('first', T0 + 1);
    assert.deepEqual((await requests().take('second', T0 + 1))?.params, { response_type: 'code' });
  });

  test('push of a hash already stored rejects and keeps the first request', async () => {
    await requests().push(pushedRequest());
    await assert.rejects(requests().push(pushedRequest({ clientId: 'client-2', params: {} })));
    assert.deepEqual(await requests().take('par-hash-1', T0 + 1), pushedRequest());
  });
}
