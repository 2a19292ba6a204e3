// Authorization requests whose client or redirect URI cannot be trusted, and how the redirect URI is chosen.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RawParams } from '../../../../src/protocol/params/parse.ts';
import {
  authorize,
  harness,
  login,
  redirectParams,
  authorizeParams as valid,
  WEB_CB,
} from '../../helpers.ts';

describe('authorize: requests that cannot be trusted are shown on an error page, never redirected', () => {
  const cases: { rule: string; params: RawParams; description: RegExp }[] = [
    {
      rule: 'an unknown client_id',
      params: valid({ client_id: 'nobody' }),
      description: /unknown client_id/,
    },
    {
      rule: 'a missing client_id',
      params: valid({ client_id: undefined }),
      description: /client_id is required/,
    },
    { rule: 'an empty client_id', params: valid({ client_id: '' }), description: /client_id is required/ },
    {
      rule: 'a repeated client_id, even with equal values',
      params: valid({ client_id: ['web', 'web'] }),
      description: /client_id must not be repeated/,
    },
    {
      rule: 'an unregistered redirect_uri',
      params: valid({ redirect_uri: 'https://evil.example/cb' }),
      description: /not registered/,
    },
    {
      rule: 'a redirect_uri with a trailing slash added',
      params: valid({ redirect_uri: `${WEB_CB}/` }),
      description: /not registered/,
    },
    {
      rule: 'a redirect_uri whose path differs in case',
      params: valid({ redirect_uri: 'https://app.example/CB' }),
      description: /not registered/,
    },
    {
      rule: 'a redirect_uri whose host differs in case (no normalisation)',
      params: valid({ redirect_uri: 'https://APP.example/cb' }),
      description: /not registered/,
    },
    {
      rule: 'a redirect_uri with an extra query',
      params: valid({ redirect_uri: `${WEB_CB}?next=/admin` }),
      description: /not registered/,
    },
    {
      rule: 'a redirect_uri with a default port spelled out',
      params: valid({ redirect_uri: 'https://app.example:443/cb' }),
      description: /not registered/,
    },
    {
      rule: 'a repeated redirect_uri, even with equal values',
      params: valid({ redirect_uri: [WEB_CB, WEB_CB] }),
      description: /redirect_uri must not be repeated/,
    },
    {
      rule: 'no redirect_uri when the client has several registered',
      params: valid({ client_id: 'multi', redirect_uri: undefined, scope: undefined }),
      description: /several registered/,
    },
    {
      rule: 'no redirect_uri with scope openid, even for a client with one registered URI',
      params: valid({ redirect_uri: undefined, scope: 'openid' }),
      description: /redirect_uri is required when scope contains openid/,
    },
  ];
  for (const { rule, params, description } of cases) {
    test(`refused with an error page: ${rule}`, async () => {
      const h = harness();
      const outcome = await authorize(h, params, await login(h));
      assert.equal(outcome.kind, 'error_page', JSON.stringify(outcome));
      assert.ok(outcome.kind === 'error_page');
      assert.equal(outcome.error.code, 'invalid_request');
      assert.match(outcome.error.description, description);
      assert.equal(h.savedCodes.length, 0);
    });
  }
});

describe('authorize: redirect URI selection', () => {
  test('a redirect_uri equal to a registered one, character for character, is used', async () => {
    const h = harness();
    const params = redirectParams(
      await authorize(
        h,
        valid({ client_id: 'multi', redirect_uri: 'https://multi.example/b', scope: 'openid' }),
        await login(h),
      ),
    );
    assert.ok(params.get('code'));
    assert.equal(h.savedCodes[0]?.redirectUri, 'https://multi.example/b');
  });

  test('without redirect_uri and without openid, the only registered URI is used and the code remembers it was not sent', async () => {
    const h = harness();
    const outcome = await authorize(h, valid({ redirect_uri: undefined, scope: 'profile' }), await login(h));
    assert.equal(outcome.kind, 'redirect');
    assert.ok(
      outcome.kind === 'redirect' && outcome.location.startsWith(`${WEB_CB}?`),
      JSON.stringify(outcome),
    );
    assert.equal(h.savedCodes[0]?.redirectUri, null);
  });

  test('an empty redirect_uri counts as absent', async () => {
    const h = harness();
    const outcome = await authorize(h, valid({ redirect_uri: '', scope: 'profile' }), await login(h));
    assert.ok(redirectParams(outcome).get('code'));
    assert.equal(h.savedCodes[0]?.redirectUri, null);
  });

  test('a registered redirect URI with a query keeps its query and gets the response parameters added', async () => {
    const cb = 'https://app.example/cb?tenant=acme';
    const snapshot = {
      clients: [
        {
          client_id: 'q',
          redirect_uris: [cb],
          secret: 'q-Secret_K3p9Qz7Tx2Wm5Nb8Rv4Lc1Yh6Jd0Fs-Ga7Ue2Io9',
          scopes: ['openid'],
        },
      ],
    };
    const h = harness(snapshot);
    const outcome = await authorize(
      h,
      valid({ client_id: 'q', redirect_uri: cb, scope: 'openid' }),
      await login(h),
    );
    const params = redirectParams(outcome);
    assert.equal(params.get('tenant'), 'acme');
    assert.ok(params.get('code'));
  });
});
