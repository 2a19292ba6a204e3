// Selftest checks on what a login leaves behind: refresh rotation and reuse detection, prompt=none, RP-initiated logout.
import { Agent } from './agent.ts';
import { type Check, type Context, expect, need } from './check.ts';
import {
  answer,
  callbackOf,
  clientAuth,
  codeRequest,
  introspect,
  nonceValue,
  pkce,
  postForm,
  redeem,
  silentTokens,
} from './protocol.ts';

export const pkceVerifier: Check = {
  id: 'pkce-verifier',
  module: null,
  spec: 'RFC 7636 §4.6',
  needs: ['code-flow'],
  async run(ctx) {
    const d = need(ctx.discovery, 'discovery');
    const p = pkce();
    const page = await need(ctx.browser, 'the session').request(codeRequest(d, ctx.client, p));
    const code = callbackOf(page, ctx.client.redirect_uri)?.get('code');
    expect(code, `no code for a logged-in browser: ${page.status}`);
    const res = await redeem(d, ctx.client, code, pkce().verifier);
    expect(
      res.status === 400 && res.json['error'] === 'invalid_grant',
      `a wrong code_verifier got ${answer(res)}`,
    );
    return 'a wrong code_verifier is 400 invalid_grant';
  },
};

const refresh = (ctx: Context, token: string) =>
  postForm(
    need(ctx.discovery, 'discovery').token_endpoint,
    { grant_type: 'refresh_token', refresh_token: token },
    clientAuth(ctx.client),
  );

export const refreshRotation: Check = {
  id: 'refresh-rotation',
  module: 'oidcc-refresh-token',
  spec: 'RFC 6749 §6, RFC 9700 §4.14.2',
  needs: ['id-token'],
  async run(ctx) {
    const first = need(ctx.tokens, 'tokens').refresh_token;
    expect(first, 'the code response had no refresh_token');
    const res = await refresh(ctx, first);
    expect(res.status === 200, `refresh: ${answer(res)}`);
    const next = res.json['refresh_token'];
    expect(typeof res.json['access_token'] === 'string', 'the refresh response has no access_token');
    expect(
      typeof next === 'string' && next !== first,
      'rotation is on, but the refresh returned no new refresh token',
    );
    ctx.tokens = { ...need(ctx.tokens, 'tokens'), refresh_token: next };
    ctx.rotatedOut = first;
    return 'a new access token and a new refresh token';
  },
};

export const refreshReuse: Check = {
  id: 'refresh-reuse',
  module: null,
  spec: 'RFC 9700 §4.14.2',
  needs: ['refresh-rotation'],
  async run(ctx) {
    const tokens = need(ctx.tokens, 'tokens');
    const replay = await refresh(ctx, need(ctx.rotatedOut, 'the rotated-out token'));
    expect(
      replay.status === 400 && replay.json['error'] === 'invalid_grant',
      `a rotated-out refresh token got ${answer(replay)}`,
    );
    const latest = await introspect(
      need(ctx.discovery, 'discovery'),
      ctx.client,
      need(tokens.refresh_token, 'the latest token'),
    );
    expect(
      latest.json['active'] === false,
      'after the replay, the newest refresh token of the family is still active',
    );
    return 'replay is invalid_grant and revokes the whole family';
  },
};

export const promptNoneLoggedIn: Check = {
  id: 'prompt-none-session',
  module: 'oidcc-prompt-none-logged-in',
  spec: 'OIDC Core §3.1.2.1 prompt',
  needs: ['code-flow'],
  async run(ctx) {
    ctx.second = await silentTokens(
      need(ctx.browser, 'the session'),
      need(ctx.discovery, 'discovery'),
      ctx.client,
      {
        prompt: 'none',
      },
    );
    return 'a code without any page, and it redeems';
  },
};

/** OIDC Core §3.1.2.6: with prompt=none and no session the answer is a redirect with login_required. */
async function loginRequired(ctx: Context, agent: Agent): Promise<void> {
  const state = nonceValue();
  const page = await agent.request(
    codeRequest(need(ctx.discovery, 'discovery'), ctx.client, pkce(), { prompt: 'none', state }),
  );
  const query = callbackOf(page, ctx.client.redirect_uri);
  expect(query, `prompt=none without a session did not redirect to the client: ${page.status}`);
  expect(query.get('error') === 'login_required', `error=${query.get('error')}, not login_required`);
  expect(query.get('state') === state, 'the error redirect does not carry the state');
}

export const promptNoneNoSession: Check = {
  id: 'prompt-none-no-session',
  module: 'oidcc-prompt-none-not-logged-in',
  spec: 'OIDC Core §3.1.2.6',
  needs: ['discovery'],
  async run(ctx) {
    await loginRequired(ctx, new Agent());
    return 'redirect with error=login_required and the state';
  },
};

export const logout: Check = {
  id: 'logout',
  module: 'oidcc-rp-initiated-logout',
  spec: 'OIDC RP-Initiated Logout §2, §3',
  needs: ['prompt-none-session'],
  async run(ctx) {
    const d = need(ctx.discovery, 'discovery');
    expect(d.end_session_endpoint, 'discovery names no end_session_endpoint');
    const url = new URL(d.end_session_endpoint);
    const state = nonceValue();
    url.searchParams.set('id_token_hint', need(ctx.second, 'tokens').id_token);
    url.searchParams.set('post_logout_redirect_uri', ctx.client.post_logout_redirect_uri);
    url.searchParams.set('state', state);
    const browser = need(ctx.browser, 'the session');
    const back = callbackOf(await browser.request(url.href), ctx.client.post_logout_redirect_uri);
    expect(back, 'logout did not redirect to the registered post_logout_redirect_uri');
    expect(back.get('state') === state, 'the logout redirect does not carry the state');
    await loginRequired(ctx, browser);
    // OIDC Core §11: without offline_access, the session's refresh tokens end with it.
    const refreshToken = ctx.second?.refresh_token;
    const ended = refreshToken
      ? (await introspect(d, ctx.client, refreshToken)).json['active'] === false
      : true;
    expect(ended, "the session's refresh token is still active after logout");
    return 'redirect with state; the session is gone (prompt=none: login_required) and so are its refresh tokens';
  },
};
