// The relying party's side of each flow, identical for both servers: authorize, log in, redeem, refresh (with or
// without DPoP), client credentials, userinfo, introspection.
import { createHash, randomBytes } from 'node:crypto';
import type { DpopKey } from './dpop.ts';
import { basicAuth, CookieJar, firstForm, type HttpClient, type HttpResponse } from './http.ts';
import { BENCH_CLIENT, BENCH_MACHINE_CLIENT, BENCH_USER, type Endpoints } from './servers/target.ts';

export interface TokenSet {
  access_token: string;
  refresh_token?: string;
  id_token: string;
  token_type: string;
}

interface TokenCall {
  /** The client's Basic credentials. */
  authorization: string;
  /** Every grant but client_credentials issues an RS256 ID token on both servers here. */
  idToken: boolean;
  dpop?: DpopKey;
}

/** One user's fixed request parameters: PKCE (S256), state and nonce, made once so the driver stays cheap. */
export interface UserParams {
  verifier: string;
  authorizeUrl: string;
  /** The Basic credentials of the client the request names. */
  authorization: string;
}

/** A page of the front channel answered with a POST: its response, and its URL for relative redirects. */
export type PageAnswer = (
  page: HttpResponse,
  url: string,
  jar: CookieJar,
) => Promise<{ url: string; response: HttpResponse }>;

/**
 * Bounds a flow's redirect chain so a misconfigured server fails the operation instead of looping; a passkey
 * enrolment (password page, enrolment page, each followed by redirects) takes the most.
 */
const MAX_STEPS = 16;

export class RelyingParty {
  private readonly authorization: string;
  private readonly machineAuthorization: string;

  constructor(
    readonly http: HttpClient,
    readonly endpoints: Endpoints,
  ) {
    this.authorization = basicAuth(BENCH_CLIENT.client_id, BENCH_CLIENT.secret);
    this.machineAuthorization = basicAuth(BENCH_MACHINE_CLIENT.client_id, BENCH_MACHINE_CLIENT.secret);
  }

  /** A user's request parameters for the bench client, or for another with its secret and redirect URI. */
  newUser(clientId: string = BENCH_CLIENT.client_id): UserParams {
    const verifier = randomBytes(32).toString('base64url');
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: BENCH_CLIENT.redirect_uri,
      scope: BENCH_CLIENT.scope,
      state: randomBytes(16).toString('base64url'),
      nonce: randomBytes(16).toString('base64url'),
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    });
    return {
      verifier,
      authorizeUrl: `${this.endpoints.authorization_endpoint}?${query}`,
      authorization:
        clientId === BENCH_CLIENT.client_id ? this.authorization : basicAuth(clientId, BENCH_CLIENT.secret),
    };
  }

  /**
   * Runs the front channel until the redirect to the client: follows the server's own redirects and, when
   * a login page appears, submits its form with the bench user's password. Returns the code.
   */
  authorize(user: UserParams, jar: CookieJar, allowLogin: boolean): Promise<string> {
    return this.frontChannel(user, jar, allowLogin ? [this.password(BENCH_USER)] : []);
  }

  /** The front channel from authorize to the client's redirect: follows redirects, answers each page in turn. */
  async frontChannel(user: UserParams, jar: CookieJar, answers: readonly PageAnswer[]): Promise<string> {
    let url = user.authorizeUrl;
    let response = await this.http.get(url, { jar });
    let next = 0;
    for (let step = 0; step < MAX_STEPS; step++) {
      if (response.status >= 300 && response.status < 400 && response.location) {
        if (response.location.startsWith(`${BENCH_CLIENT.redirect_uri}?`)) return codeFrom(response.location);
        url = response.location;
        response = await this.http.get(url, { jar });
        continue;
      }
      const answer = answers[next];
      if (response.status !== 200 || answer === undefined) break;
      next++;
      ({ url, response } = await answer(response, url, jar));
    }
    throw unexpected('authorization', response, url);
  }

  /** Answers a login page by submitting its first form with the account's username and password. */
  password(account: { username: string; password: string }): PageAnswer {
    return async (page, url, jar) => {
      const form = firstForm(page, url);
      const { username, password } = account;
      const response = await this.http.post(form.action, {
        jar,
        form: { ...form.hidden, username, password },
      });
      return { url: form.action, response };
    };
  }

  async redeem(code: string, user: UserParams): Promise<TokenSet> {
    const form = {
      grant_type: 'authorization_code',
      code,
      redirect_uri: BENCH_CLIENT.redirect_uri,
      code_verifier: user.verifier,
    };
    return this.token(form, { authorization: user.authorization, idToken: true });
  }

  /** A refresh, with a fresh DPoP proof (RFC 9449 §5) of `dpop` when given: the tokens must then be DPoP ones. */
  async refresh(refreshToken: string, dpop?: DpopKey): Promise<TokenSet> {
    const form = { grant_type: 'refresh_token', refresh_token: refreshToken };
    return this.token(form, { authorization: this.authorization, idToken: true, ...(dpop ? { dpop } : {}) });
  }

  /** RFC 6749 §4.4 with client_secret_basic and the machine client's one scope: an opaque access token. */
  async clientCredentials(): Promise<TokenSet> {
    const form = { grant_type: 'client_credentials', scope: BENCH_MACHINE_CLIENT.scope };
    const tokens = await this.token(form, { authorization: this.machineAuthorization, idToken: false });
    // Both servers are set up to issue an opaque token here; a JWT would put a signature on the path.
    if (tokens.access_token.split('.').length === 3) {
      throw new Error('client_credentials: the access token is a JWT, not an opaque token');
    }
    return tokens;
  }

  private async token(form: Record<string, string>, call: TokenCall): Promise<TokenSet> {
    const headers: Record<string, string> = { authorization: call.authorization, accept: 'application/json' };
    if (call.dpop) headers['dpop'] = await call.dpop.proof('POST', this.endpoints.token_endpoint);
    const response = await this.http.post(this.endpoints.token_endpoint, { form, headers });
    const step = `token (${form['grant_type']})`;
    if (response.status !== 200) throw unexpected(step, response);
    const tokens = JSON.parse(response.body) as Partial<TokenSet>;
    if (typeof tokens.access_token !== 'string') throw unexpected(`${step}: no access_token`, response);
    // A response without the ID token the other server signs is not comparable.
    if (call.idToken && (typeof tokens.id_token !== 'string' || tokens.id_token.split('.').length !== 3)) {
      throw unexpected(`${step}: no id_token`, response);
    }
    // RFC 9449 §5: a token bound to the proof's key has token_type DPoP; Bearer means the proof was ignored.
    const expected = call.dpop ? 'dpop' : 'bearer';
    if (tokens.token_type?.toLowerCase() !== expected) {
      throw unexpected(
        `${step}: token_type ${tokens.token_type}, expected ${call.dpop ? 'DPoP' : 'Bearer'}`,
        response,
      );
    }
    return tokens as TokenSet;
  }

  async userinfo(accessToken: string): Promise<void> {
    const response = await this.http.get(this.endpoints.userinfo_endpoint, {
      headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
    });
    if (response.status !== 200 || !response.body.includes('"sub"')) throw unexpected('userinfo', response);
  }

  /** RFC 7662 introspection of an access token, as a resource server would ask, with the client's Basic auth. */
  async introspect(accessToken: string): Promise<void> {
    const response = await this.http.post(this.endpoints.introspection_endpoint, {
      form: { token: accessToken, token_type_hint: 'access_token' },
      headers: { authorization: this.authorization, accept: 'application/json' },
    });
    if (response.status !== 200) throw unexpected('introspection', response);
    if ((JSON.parse(response.body) as { active?: unknown }).active !== true) {
      throw unexpected('introspection: not active', response);
    }
  }

  /** A full password login flow, for setting up users: returns the session jar and the tokens. */
  async login(): Promise<{ jar: CookieJar; user: UserParams; tokens: TokenSet }> {
    const jar = new CookieJar();
    const user = this.newUser();
    const tokens = await this.redeem(await this.authorize(user, jar, true), user);
    if (tokens.refresh_token === undefined) throw new Error('the code grant issued no refresh token');
    return { jar, user, tokens };
  }
}

function codeFrom(location: string): string {
  const params = new URL(location).searchParams;
  const code = params.get('code');
  if (code === null)
    throw new Error(`redirect without a code: ${params.get('error')} ${params.get('error_description')}`);
  return code;
}

export function unexpected(step: string, response: HttpResponse, url?: string): Error {
  const where = url === undefined ? '' : ` at ${url.split('?')[0]}`;
  const body = response.body.replace(/\s+/g, ' ').slice(0, 200);
  return new Error(`${step}: unexpected ${response.status}${where}: ${body}`);
}
