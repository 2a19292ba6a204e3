// A client removed by a commit takes its tokens with it: introspection reports them inactive, UserInfo refuses them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { introspectEndpoint } from '../../../../src/protocol/endpoints/introspect.ts';
import { userinfoEndpoint } from '../../../../src/protocol/endpoints/userinfo.ts';
import { OAuthError } from '../../../../src/protocol/errors.ts';
import {
  authorizeParams,
  basic,
  exchange,
  form,
  harness,
  issueCode,
  OTHER_SECRET,
  ok,
  testSnapshot,
  WEB_CB,
} from '../../helpers.ts';

test('once its client is removed, an unexpired access token is inactive and refused at UserInfo', async () => {
  const h = harness();
  const code = await issueCode(h, authorizeParams({ scope: 'openid profile' }));
  const { access_token } = ok(await exchange(h, code, { redirect_uri: WEB_CB }));
  const introspect = () =>
    introspectEndpoint(form({ token: access_token }, basic('other', OTHER_SECRET)), h.deps);
  const userinfo = () =>
    userinfoEndpoint({ authorization: `Bearer ${access_token}`, bodyToken: undefined }, h.deps);
  assert.deepEqual(((await introspect()) as Record<string, unknown>)['active'], true);
  assert.ok(!((await userinfo()) instanceof OAuthError));

  const snapshot = testSnapshot();
  h.setConfig({ ...snapshot, clients: snapshot.clients!.filter((c) => c.client_id !== 'web') });
  assert.deepEqual(await introspect(), { active: false });
  const refused = await userinfo();
  assert.ok(refused instanceof OAuthError);
  assert.equal(refused.code, 'invalid_token');
});
