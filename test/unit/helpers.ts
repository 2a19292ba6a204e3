// Hand-built ProtocolDeps for protocol unit tests: memory store, frozen clock, counting random, real RS256 key.
import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { compactVerify, SignJWT } from 'jose';
import { findSession } from '../../src/authn/sessions.ts';
import { endpointsFor } from '../../src/config/endpoints.ts';
import { compileConfig, type LiveConfig } from '../../src/config/live.ts';
import { type SnapshotInput, snapshotSchema } from '../../src/config/schema.ts';
import { createClientKeys } from '../../src/keys/client-jwks.ts';
import { unsealSecret } from '../../src/keys/sealed-secret.ts';
import { createSecretHasher } from '../../src/keys/secrets.ts';
import { createClientResolver } from '../../src/protocol/clients/resolver.ts';
import type { ProtocolDeps } from '../../src/protocol/deps.ts';
import { type AuthorizeOutcome, authorizeEndpoint } from '../../src/protocol/endpoints/authorize.ts';
import { type TokenRequest, tokenEndpoint } from '../../src/protocol/endpoints/token.ts';
import type { OAuthError } from '../../src/protocol/errors.ts';
import type { RawParams } from '../../src/protocol/params/parse.ts';
import type { TokenResponse } from '../../src/protocol/tokens/response.ts';
import { FixedClock } from '../../src/shared/clock.ts';
import { sha256 } from '../../src/shared/crypto.ts';
import type { Random } from '../../src/shared/random.ts';
import { createMemoryStore } from '../../src/store/memory/index.ts';
import type { CodeRecord, Store } from '../../src/store/ports/index.ts';

export const NOW = 1_700_000_000;
export const ISSUER = 'https://issuer.example/oauth/v2/oauth-anonymous';
export const AUTHORIZE_PATH = '/oauth/v2/oauth-authorize';
export const CODE_LIFETIME = 60;
export const ACR = 'urn:tessera:authentication:html-form:username-password';

export const WEB_SECRET = 'web-Secret_K3p9Qz7Tx2Wm5Nb8Rv4Lc1Yh6Jd0Fs-Ga7Ue2Io9';
export const OTHER_SECRET = 'other-Secret_M8q2Zx5Tn7Wb3Rk9Lv1Yc4Hj6Pd0Fs-Ga7Ue2Io';
export const NO_REFRESH_SECRET = 'noRefresh-Secret_B6t1Qm9Zx3Wk7Nr5Lv2Yc8Hj0Pd4Fs-Ga7Ue';
/** RFC 6749 §2.3.1 special characters on both sides of the Basic colon. */
export const ODD_ID = 'svc:reports/1 +%&=?';
export const ODD_SECRET = 'pa:ss w+rd/%25?&=é~!0123456789abcdefghijKLMNOPQRSTUVWXYZ';

export const WEB_CB = 'https://app.example/cb';

/** Clients covering the cases: one URI, several URIs, no refresh tokens, odd characters, another authenticator. */
export function testSnapshot(): SnapshotInput {
  return {
    authenticators: [
      { id: 'username-password', type: 'html-form' },
      { id: 'staff', type: 'html-form' },
    ],
    scopes: [{ name: 'reports', claims: [] }],
    clients: [
      {
        client_id: 'web',
        redirect_uris: [WEB_CB],
        secret: WEB_SECRET,
        scopes: ['openid', 'profile', 'email', 'reports'],
        access_token_lifetime: 600,
        id_token_lifetime: 900,
        refresh_token: { enabled: true, lifetime: 7200 },
      },
      {
        client_id: 'multi',
        redirect_uris: ['https://multi.example/a', 'https://multi.example/b'],
        secret: OTHER_SECRET,
        scopes: ['openid'],
      },
      {
        client_id: 'other',
        redirect_uris: [WEB_CB],
        secret: OTHER_SECRET,
        scopes: ['openid', 'profile', 'email', 'reports'],
      },
      {
        client_id: 'no-refresh',
        redirect_uris: [WEB_CB],
        secret: NO_REFRESH_SECRET,
        scopes: ['openid', 'profile'],
        refresh_token: { enabled: false },
      },
      { client_id: ODD_ID, redirect_uris: [WEB_CB], secret: ODD_SECRET, scopes: ['openid'] },
      { client_id: 'staff-app', redirect_uris: [WEB_CB], secret: OTHER_SECRET, authenticator: 'staff' },
    ],
  };
}

/** Deterministic and unique: tokens are 43-character base64url strings, like the real ones. */
export function countingRandom(): Random {
  let n = 0;
  return {
    token: (bytes = 32) =>
      createHash('sha256').update(`token-${++n}`).digest().subarray(0, bytes).toString('base64url'),
    uuid: () => `00000000-0000-4000-8000-${(++n).toString(16).padStart(12, '0')}`,
  };
}

const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
export const PUBLIC_KEY: KeyObject = signingKey.publicKey;

export const MASTER_KEY = Buffer.alloc(32, 1);
const secrets = createSecretHasher(MASTER_KEY);

export function liveConfig(snapshot: SnapshotInput = testSnapshot(), revision = 1): LiveConfig {
  return compileConfig(snapshotSchema.parse(snapshot), revision, secrets.hash);
}

export interface Harness {
  deps: ProtocolDeps;
  store: Store;
  clock: FixedClock;
  /** Every code record saveCode was given, in order. */
  savedCodes: CodeRecord[];
  /** Replaces the live config, as a commit would while the server runs. */
  setConfig(snapshot: SnapshotInput): void;
}

export function harness(snapshot: SnapshotInput = testSnapshot()): Harness {
  const store = createMemoryStore();
  const clock = new FixedClock(NOW);
  const savedCodes: CodeRecord[] = [];
  let live = liveConfig(snapshot);
  const grants: ProtocolDeps['grants'] = {
    ...store.grants,
    async saveCode(code) {
      savedCodes.push({ ...code });
      await store.grants.saveCode(code);
    },
  };
  const deps: ProtocolDeps = {
    config: () => live,
    clients: createClientResolver({ config: () => live, clock }),
    issuer: ISSUER,
    endpoints: endpointsFor('https://issuer.example'),
    clock,
    random: countingRandom(),
    secrets,
    signJwt: (claims) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: 'test-kid' })
        .sign(signingKey.privateKey),
    accounts: store.accounts,
    findSession: (token) => findSession(token, { sessions: store.sessions, clock }),
    grants,
    consents: store.consents,
    replay: store.replay,
    pushedRequests: store.pushedRequests,
    deviceCodes: store.deviceCodes,
    clientKeys: createClientKeys({
      outbound: { timeout: 3, maxBytes: 65_536, allowLoopback: false, allowPrivateNetworks: false },
      clock,
    }),
    unsealSecret: (sealed) => unsealSecret(MASTER_KEY, sealed),
    server: {
      requirePar: false,
      parLifetime: 60,
      dpopNonceRequired: false,
      deviceCodeLifetime: 600,
      devicePollInterval: 5,
    },
    nonceKey: Buffer.alloc(32, 2),
    codeLifetime: CODE_LIFETIME,
    continueUrl: (policy, returnTo, options) =>
      `https://tessera.test/authn/continue?${new URLSearchParams({ policy, return_to: returnTo, ...(options.fresh ? { fresh: '1' } : {}) })}`,
    loginUrl: (authenticator, returnTo) =>
      `https://issuer.example/authn/${authenticator}?return_to=${encodeURIComponent(returnTo)}`,
    consentUrl: (returnTo) => `https://issuer.example/consent?return_to=${encodeURIComponent(returnTo)}`,
    verifyIdTokenHint: async (idToken) => {
      try {
        const { payload } = await compactVerify(idToken, signingKey.publicKey);
        const claims = JSON.parse(new TextDecoder().decode(payload)) as { sub: string; aud: string };
        return { sub: claims.sub, aud: claims.aud };
      } catch {
        return undefined;
      }
    },
  };
  return {
    deps,
    store,
    clock,
    savedCodes,
    setConfig(next) {
      live = liveConfig(next, live.revision + 1);
    },
  };
}

/** Creates the account (once) and an SSO session for it; returns the session cookie value. */
export async function login(
  h: Harness,
  options: { accountId?: string; authenticator?: string; lifetime?: number } = {},
): Promise<string> {
  const accountId = options.accountId ?? 'alice';
  if (!(await h.store.accounts.findById(accountId))) {
    await h.store.accounts.create({
      id: accountId,
      username: accountId,
      passwordHash: 'unused',
      claims: {},
      createdAt: NOW,
    });
  }
  const token = `session-${accountId}-${h.clock.nowSeconds()}-${options.authenticator ?? 'default'}`;
  const authenticator = options.authenticator ?? 'username-password';
  await h.store.sessions.create({
    idHash: sha256(token),
    accountId,
    authenticator,
    acr: `urn:tessera:authentication:html-form:${authenticator}`,
    authTime: h.clock.nowSeconds(),
    expiresAt: h.clock.nowSeconds() + (options.lifetime ?? 3600),
    factors: [{ authenticator, amr: ['pwd'], at: h.clock.nowSeconds() }],
    createdAt: h.clock.nowSeconds(),
    lastSeen: h.clock.nowSeconds(),
    userAgent: '',
    address: '',
  });
  return token;
}

export function authorize(h: Harness, params: RawParams, sessionToken?: string): Promise<AuthorizeOutcome> {
  return authorizeEndpoint({ params, sessionToken, endpointPath: AUTHORIZE_PATH }, h.deps);
}

/** The query of a redirect outcome; fails the test when the outcome is anything else. */
export function redirectParams(outcome: AuthorizeOutcome): URLSearchParams {
  if (outcome.kind !== 'redirect') throw new Error(`expected a redirect, got ${JSON.stringify(outcome)}`);
  return new URL(outcome.location).searchParams;
}

/** A valid authorization request from the web client that names its redirect URI, plus `extra`. */
export function authorizeParams(extra: RawParams = {}): RawParams {
  return {
    response_type: 'code',
    client_id: 'web',
    redirect_uri: WEB_CB,
    scope: 'openid profile',
    state: 'st-123',
    ...extra,
  };
}

/** Logs alice in (unless a session is given) and runs an authorization request that must yield a code. */
export async function issueCode(h: Harness, params: RawParams, sessionToken?: string): Promise<string> {
  const session = sessionToken ?? (await login(h));
  const outcome = await authorize(h, { response_type: 'code', ...params }, session);
  const code = redirectParams(outcome).get('code');
  if (!code) throw new Error(`no code in ${JSON.stringify(outcome)}`);
  return code;
}

/** RFC 7636 §4.1-4.2: a verifier and its S256 challenge. */
export function pkcePair(seed = 'pkce'): { verifier: string; challenge: string } {
  const verifier = createHash('sha256').update(seed).digest('base64url') + '-._~';
  return { verifier, challenge: createHash('sha256').update(verifier, 'ascii').digest('base64url') };
}

/** RFC 6749 §2.3.1: each part form-encoded, then joined with a colon and base64-encoded. */
export function basic(id: string, secret: string): string {
  const form = (value: string) => new URLSearchParams({ v: value }).toString().slice(2);
  return `Basic ${Buffer.from(`${form(id)}:${form(secret)}`).toString('base64')}`;
}

export function form(body: RawParams, authorization?: string): TokenRequest {
  return { contentType: 'application/x-www-form-urlencoded', body, authorization };
}

export function token(
  h: Harness,
  body: RawParams,
  authorization?: string,
): Promise<TokenResponse | OAuthError> {
  return tokenEndpoint(form(body, authorization), h.deps);
}

/** Exchanges a code from `issueCode` for the web client, authenticated with HTTP Basic. */
export async function exchange(
  h: Harness,
  code: string,
  extra: RawParams = {},
  authorization = basic('web', WEB_SECRET),
): Promise<TokenResponse | OAuthError> {
  return token(h, { grant_type: 'authorization_code', code, ...extra }, authorization);
}

/** Narrows a token-endpoint result to a success; fails the test with the error otherwise. */
export function ok(result: TokenResponse | OAuthError): TokenResponse {
  if (!('access_token' in result))
    throw new Error(`expected tokens, got ${result.code}: ${result.description}`);
  return result;
}
