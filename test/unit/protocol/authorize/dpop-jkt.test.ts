// dpop_jkt at the authorization endpoint (RFC 9449 §10): a thumbprint binds the code; anything else is refused.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { authorize, authorizeParams, harness, login, redirectParams } from '../../helpers.ts';

const THUMBPRINT = 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs';

describe('dpop_jkt', () => {
  test('a base64url SHA-256 thumbprint is stored on the code', async () => {
    const h = harness();
    const outcome = await authorize(h, authorizeParams({ dpop_jkt: THUMBPRINT }), await login(h));
    assert.ok(redirectParams(outcome).get('code'));
    assert.equal(h.savedCodes.at(-1)?.jkt, THUMBPRINT);
  });

  test('without dpop_jkt the code is not bound', async () => {
    const h = harness();
    await authorize(h, authorizeParams(), await login(h));
    assert.equal(h.savedCodes.at(-1)?.jkt, null);
  });

  for (const bad of [
    'short',
    `${THUMBPRINT}A`,
    `${THUMBPRINT.slice(0, 42)}=`,
    `${THUMBPRINT.slice(0, 42)}+`,
  ]) {
    test(`a malformed dpop_jkt (${bad}) is an invalid_request redirect`, async () => {
      const h = harness();
      const query = redirectParams(await authorize(h, authorizeParams({ dpop_jkt: bad }), await login(h)));
      assert.equal(query.get('error'), 'invalid_request');
      assert.match(query.get('error_description') ?? '', /dpop_jkt/);
      assert.equal(h.savedCodes.length, 0);
    });
  }
});
