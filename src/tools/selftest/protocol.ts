// What a relying party does on the wire, for the selftest: authorization URLs with PKCE, token-endpoint calls, the callback.
import { createHash, randomBytes } from 'node:crypto';
import type { ThrowawayClient } from './admin.ts';
import { type Agent, locationOf, type Page } from './agent.ts';

export interface Discovery {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
  userinfo_endpoint?: string;
  introspection_endpoint?: string;
  revocation_endpoint?: string;
  end_session_endpoint?: string;
  [field: string]: unknown;
}

export interface JsonAnswer {
  status: number;
  headers: Headers;
  json: Record<string, unknown>;
}

export interface Pkce {
  verifier: string;
  challenge: string;
}

/** RFC 7636 §4.1-4.2: a 256-bit verifier and its S256 challenge. */
export function pkce(): Pkce {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export const nonceValue = () => randomBytes(16).toString('base64url');

export function authorizeUrl(d: Discovery, params: Record<string, string>): string {
  const url = new URL(d.authorization_endpoint);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.href;
}

/** A standard code request for the throwaway client; `extra` adds or overrides parameters. */
export function codeRequest(
  d: Discovery,
  client: ThrowawayClient,
  p: Pkce,
  extra: Record<string, string> = {},
): string {
  return authorizeUrl(d, {
    response_type: 'code',
    client_id: client.client_id,
    redirect_uri: client.redirect_uri,
    scope: 'openid profile',
    state: nonceValue(),
    nonce: nonceValue(),
    code_challenge: p.challenge,
    code_challenge_method: 'S256',
    ...extra,
  });
}

/** The query of a redirect to `redirectUri`, or null when the answer is something else. */
export function callbackOf(page: Page, redirectUri: string): URLSearchParams | null {
  const location = locationOf(page);
  if (location === null || `${location.origin}${location.pathname}` !== redirectUri) return null;
  return location.searchParams;
}

/** Basic credentials per RFC 6749 §2.3.1: each part form-encoded before base64. */
export function basic(clientId: string, secret: string): string {
  const enc = (v: string) => encodeURIComponent(v).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${enc(clientId)}:${enc(secret)}`).toString('base64')}`;
}

export async function postForm(
  url: string,
  form: Record<string, string>,
  authorization?: string,
): Promise<JsonAnswer> {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(authorization === undefined ? {} : { authorization }),
    },
    body: new URLSearchParams(form).toString(),
  });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {}
  return { status: res.status, headers: res.headers, json };
}

export const clientAuth = (c: ThrowawayClient) => basic(c.client_id, c.secret);

/** "400 invalid_grant: the description", for reasons. */
export function answer(a: JsonAnswer): string {
  const error = a.json['error'];
  const description = a.json['error_description'];
  return `${a.status}${typeof error === 'string' ? ` ${error}` : ''}${typeof description === 'string' ? `: ${description}` : ''}`;
}

export interface Tokens {
  access_token: string;
  id_token: string;
  refresh_token?: string;
}

/** Runs a code request in a browser that has a session (no UI shown) and redeems the code. */
export async function silentTokens(
  agent: Agent,
  d: Discovery,
  client: ThrowawayClient,
  extra: Record<string, string> = {},
): Promise<Tokens> {
  const p = pkce();
  const page = await agent.request(codeRequest(d, client, p, extra));
  const code = callbackOf(page, client.redirect_uri)?.get('code');
  if (!code) throw new Error(`no code without UI: answered ${page.status}`);
  const res = await redeem(d, client, code, p.verifier);
  if (res.status !== 200) throw new Error(`code redemption: ${answer(res)}`);
  return res.json as unknown as Tokens;
}

export function redeem(d: Discovery, client: ThrowawayClient, code: string, verifier: string) {
  return postForm(
    d.token_endpoint,
    { grant_type: 'authorization_code', code, redirect_uri: client.redirect_uri, code_verifier: verifier },
    clientAuth(client),
  );
}

export function introspect(d: Discovery, client: ThrowawayClient, token: string) {
  if (!d.introspection_endpoint) throw new Error('discovery names no introspection_endpoint');
  return postForm(d.introspection_endpoint, { token }, clientAuth(client));
}
