// Selftest checks up to a verified ID token: discovery, the code flow with PKCE through the login form, the token response.
import { createHash } from 'node:crypto';
import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from 'jose';
import { Agent, type Page, unescapeHtml } from './agent.ts';
import { type Check, type Context, expect, need } from './check.ts';
import {
  answer,
  callbackOf,
  codeRequest,
  type Discovery,
  nonceValue,
  pkce,
  redeem,
  type Tokens,
} from './protocol.ts';

const REQUIRED = [
  'issuer',
  'authorization_endpoint',
  'token_endpoint',
  'jwks_uri',
  'response_types_supported',
];

/** The error text a form page shows, for a reason that says why a login was refused. */
const pageError = (page: Page) =>
  unescapeHtml(/class="(?:field-)?error"[^>]*>([^<]*)/.exec(page.body)?.[1] ?? `status ${page.status}`);

/** OIDC Core §3.1.3.6: at_hash is the left half of the access token's hash under the ID token's alg. */
function atHash(accessToken: string, alg: string): string {
  const bits = alg === 'EdDSA' ? '512' : alg.slice(-3);
  const digest = createHash(`sha${bits}`).update(accessToken).digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}

export const discovery: Check = {
  id: 'discovery',
  module: 'oidcc-discovery-endpoint-verification',
  spec: 'OIDC Discovery §3, §4',
  async run(ctx) {
    const res = await fetch(ctx.discoveryUrl);
    expect(res.status === 200, `${ctx.discoveryUrl} answered ${res.status}`);
    const d = (await res.json()) as Discovery;
    const missing = REQUIRED.filter((f) => d[f] === undefined);
    expect(missing.length === 0, `discovery lacks ${missing.join(', ')}`);
    // OIDC Discovery §4.3: the issuer in the document is the one the document was fetched for.
    expect(d.issuer === ctx.issuer, `issuer ${d.issuer} is not ${ctx.issuer}`);
    expect(
      ctx.discoveryUrl === `${d.issuer}/.well-known/openid-configuration`,
      'discovery URL is not issuer + /.well-known/openid-configuration',
    );
    const jwks = await fetch(d.jwks_uri);
    const keys = jwks.ok ? ((await jwks.json()) as JSONWebKeySet).keys : [];
    expect(keys.length > 0, `jwks_uri ${d.jwks_uri} answered ${jwks.status} with no keys`);
    ctx.discovery = d;
    return `issuer ${d.issuer}; ${keys.length} signing key(s) published`;
  },
};

export const codeFlow: Check = {
  id: 'code-flow',
  module: 'oidcc-server',
  spec: 'OIDC Core §3.1.2, RFC 7636 §4.3',
  needs: ['discovery'],
  async run(ctx) {
    const d = need(ctx.discovery, 'discovery');
    const agent = new Agent();
    const p = pkce();
    const nonce = nonceValue();
    const state = nonceValue();
    let page = await agent.follow(codeRequest(d, ctx.client, p, { nonce, state }));
    expect(
      page.status === 200,
      `the authorization request did not show a login page: ${page.status} ${pageError(page)}`,
    );
    if (ctx.user.register) {
      const link = /href="([^"]*register[^"]*)"/.exec(page.body)?.[1];
      expect(
        link,
        'registration is closed (no register link on the login page): pass --username and --password',
      );
      page = await agent.follow(new URL(unescapeHtml(link), page.url).href);
    }
    page = await agent.submit(page, { username: ctx.user.username, password: ctx.user.password });
    const query = callbackOf(page, ctx.client.redirect_uri);
    expect(
      query,
      `${ctx.user.register ? 'registration' : 'login'} did not return to the client: ${pageError(page)}`,
    );
    const code = query.get('code');
    expect(code, `no code in the callback: ${query.get('error') ?? query}`);
    expect(query.get('state') === state, 'the callback does not carry the state sent (RFC 6749 §4.1.2)');
    // RFC 9207 §2: the authorization response names the issuer.
    expect(query.get('iss') === d.issuer, `callback iss ${query.get('iss')} is not the issuer`);
    ctx.browser = agent;
    ctx.login = { code, verifier: p.verifier, nonce };
    return `${ctx.user.register ? 'registered and ' : ''}logged in ${ctx.user.username}; code with state and iss`;
  },
};

export const idToken: Check = {
  id: 'id-token',
  module: 'oidcc-idtoken-signature',
  spec: 'OIDC Core §3.1.3.3, §3.1.3.7',
  needs: ['code-flow'],
  async run(ctx) {
    const d = need(ctx.discovery, 'discovery');
    const login = need(ctx.login, 'the code');
    const res = await redeem(d, ctx.client, login.code, login.verifier);
    expect(res.status === 200, `code redemption: ${answer(res)}`);
    const tokens = res.json as unknown as Tokens;
    // RFC 6749 §5.1: token_type is case-insensitive.
    expect(String(res.json['token_type']).toLowerCase() === 'bearer', `token_type ${res.json['token_type']}`);
    expect(tokens.access_token && tokens.id_token, 'the token response lacks access_token or id_token');
    const jwks = (await (await fetch(d.jwks_uri)).json()) as JSONWebKeySet;
    const { payload, protectedHeader } = await jwtVerify(tokens.id_token, createLocalJWKSet(jwks), {
      issuer: d.issuer,
      audience: ctx.client.client_id,
    }).catch((error: Error) => {
      throw new Error(`ID token does not verify against the JWKS: ${error.message}`);
    });
    expect(
      payload.nonce === login.nonce,
      'ID token nonce differs from the one sent (OIDC Core §3.1.3.7 step 11)',
    );
    expect(payload.sub, 'ID token has no sub');
    if (payload['azp'] !== undefined)
      expect(payload['azp'] === ctx.client.client_id, 'azp is not the client');
    expect(
      payload['at_hash'] === atHash(tokens.access_token, protectedHeader.alg),
      'at_hash does not match the access token',
    );
    ctx.tokens = tokens;
    ctx.sub = payload.sub;
    return `${protectedHeader.alg} signature, iss, aud, exp, nonce and at_hash verified`;
  },
};

export const userinfo: Check = {
  id: 'userinfo',
  module: 'oidcc-userinfo-get',
  spec: 'OIDC Core §5.3',
  needs: ['id-token'],
  async run(ctx) {
    const d = need(ctx.discovery, 'discovery');
    expect(d.userinfo_endpoint, 'discovery names no userinfo_endpoint');
    const res = await fetch(d.userinfo_endpoint, {
      headers: { authorization: `Bearer ${need(ctx.tokens, 'tokens').access_token}` },
    });
    expect(res.status === 200, `userinfo answered ${res.status}`);
    const claims = (await res.json()) as { sub?: string };
    // OIDC Core §5.3.2: the sub in the UserInfo response MUST match the ID token's.
    expect(claims.sub === ctx.sub, 'userinfo sub differs from the ID token sub');
    return 'sub matches the ID token';
  },
};

export const codeReuse: Check = {
  id: 'code-reuse',
  module: 'oidcc-codereuse',
  spec: 'RFC 6749 §4.1.2, §10.5',
  needs: ['id-token'],
  async run(ctx: Context) {
    const d = need(ctx.discovery, 'discovery');
    const login = need(ctx.login, 'the code');
    const res = await redeem(d, ctx.client, login.code, login.verifier);
    expect(
      res.status === 400 && res.json['error'] === 'invalid_grant',
      `a used code got ${answer(res)}, not 400 invalid_grant`,
    );
    return 'a used code is 400 invalid_grant';
  },
};
