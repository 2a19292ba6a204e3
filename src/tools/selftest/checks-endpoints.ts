// Selftest checks on introspection, revocation and the errors bad requests must get.
import { Agent } from './agent.ts';
import { type Check, type Context, expect, need } from './check.ts';
import { answer, authorizeUrl, basic, clientAuth, introspect, pkce, postForm } from './protocol.ts';

export const introspection: Check = {
  id: 'introspection',
  module: null,
  spec: 'RFC 7662 §2.2',
  needs: ['prompt-none-session'],
  async run(ctx) {
    const d = need(ctx.discovery, 'discovery');
    const live = await introspect(d, ctx.client, need(ctx.second, 'tokens').access_token);
    expect(
      live.status === 200 && live.json['active'] === true,
      `a fresh access token: ${answer(live)} active=${live.json['active']}`,
    );
    expect(live.json['client_id'] === ctx.client.client_id, 'introspection client_id is not the client');
    if (ctx.sub !== undefined)
      expect(live.json['sub'] === ctx.sub, 'introspection sub is not the ID token sub');
    const junk = await introspect(d, ctx.client, 'not-a-token');
    expect(
      junk.status === 200 && junk.json['active'] === false,
      `an unknown token: ${answer(junk)} active=${junk.json['active']}`,
    );
    return 'a live token is active with client_id and sub; an unknown one is active=false';
  },
};

export const revocation: Check = {
  id: 'revocation',
  module: null,
  spec: 'RFC 7009 §2.1, §2.2',
  needs: ['introspection'],
  async run(ctx) {
    const d = need(ctx.discovery, 'discovery');
    expect(d.revocation_endpoint, 'discovery names no revocation_endpoint');
    const token = need(ctx.second, 'tokens').access_token;
    const res = await postForm(d.revocation_endpoint, { token }, clientAuth(ctx.client));
    expect(res.status === 200, `revocation: ${answer(res)}`);
    const after = await introspect(d, ctx.client, token);
    expect(after.json['active'] === false, 'the revoked access token is still active');
    const unknown = await postForm(d.revocation_endpoint, { token: 'not-a-token' }, clientAuth(ctx.client));
    expect(unknown.status === 200, `revoking an unknown token: ${answer(unknown)}, not 200`);
    return 'revoked token is inactive; an unknown token is 200 too';
  },
};

/** OIDC Core §3.1.2.6 / RFC 6749 §4.1.2.1: a bad redirect_uri gets an error page, never a redirect to it. */
async function refusedWithoutRedirect(ctx: Context, params: Record<string, string>): Promise<number> {
  const d = need(ctx.discovery, 'discovery');
  const p = pkce();
  const page = await new Agent().request(
    authorizeUrl(d, {
      response_type: 'code',
      client_id: ctx.client.client_id,
      scope: 'openid',
      state: 'selftest',
      code_challenge: p.challenge,
      code_challenge_method: 'S256',
      ...params,
    }),
  );
  expect(page.headers.get('location') === null, `redirected to ${page.headers.get('location')}`);
  expect(page.status >= 400 && page.status < 500, `answered ${page.status}, not an error page`);
  return page.status;
}

export const wrongRedirectUri: Check = {
  id: 'redirect-uri-unregistered',
  module: 'oidcc-ensure-registered-redirect-uri',
  spec: 'RFC 6749 §3.1.2.4, §4.1.2.1',
  needs: ['discovery'],
  async run(ctx) {
    const status = await refusedWithoutRedirect(ctx, { redirect_uri: 'https://selftest.invalid/elsewhere' });
    return `error page (${status}), no redirect`;
  },
};

export const missingRedirectUri: Check = {
  id: 'redirect-uri-missing',
  module: 'oidcc-ensure-redirect-uri-in-authorization-request',
  spec: 'OIDC Core §3.1.2.1',
  needs: ['discovery'],
  async run(ctx) {
    const status = await refusedWithoutRedirect(ctx, {});
    return `error page (${status}), no redirect`;
  },
};

export const badClientSecret: Check = {
  id: 'client-secret-wrong',
  module: null,
  spec: 'RFC 6749 §5.2 invalid_client',
  needs: ['discovery'],
  async run(ctx) {
    const d = need(ctx.discovery, 'discovery');
    const res = await postForm(
      d.token_endpoint,
      { grant_type: 'refresh_token', refresh_token: 'x' },
      basic(ctx.client.client_id, `${ctx.client.secret}x`),
    );
    expect(
      res.status === 401 && res.json['error'] === 'invalid_client',
      `a wrong secret got ${answer(res)}, not 401 invalid_client`,
    );
    // RFC 6749 §5.2: a client that used the Authorization header MUST get a WWW-Authenticate challenge.
    expect(
      res.headers.get('www-authenticate')?.startsWith('Basic'),
      'the 401 has no WWW-Authenticate: Basic',
    );
    return '401 invalid_client with WWW-Authenticate: Basic';
  },
};

export const unsupportedGrant: Check = {
  id: 'grant-type-unsupported',
  module: null,
  spec: 'RFC 6749 §5.2 unsupported_grant_type',
  needs: ['discovery'],
  async run(ctx) {
    const d = need(ctx.discovery, 'discovery');
    const res = await postForm(
      d.token_endpoint,
      { grant_type: 'urn:example:no-such-grant' },
      clientAuth(ctx.client),
    );
    expect(
      res.status === 400 && res.json['error'] === 'unsupported_grant_type',
      `an unknown grant_type got ${answer(res)}, not 400 unsupported_grant_type`,
    );
    return '400 unsupported_grant_type';
  },
};
