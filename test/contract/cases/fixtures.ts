// Records the contract cases store: valid for every engine, each field distinct so a swapped column shows.
import { type Snapshot, snapshotSchema } from '../../../src/config/schema.ts';
import type {
  CodeRecord,
  Consent,
  GrantStore,
  NewAccount,
  NewRevision,
  PushedRequest,
  Session,
  Store,
  StoredKey,
  TokenRecord,
} from '../../../src/store/ports/index.ts';

/** The store the current case opened. */
export type UseStore = () => Store;

export const T0 = 1_700_000_000;

export function account(overrides: Partial<NewAccount> = {}): NewAccount {
  return {
    id: 'acct-johndoe',
    username: 'johndoe',
    passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
    claims: { email: 'john@example.com', email_verified: false, address: { locality: 'Zürich' } },
    createdAt: T0,
    ...overrides,
  };
}

export function session(overrides: Partial<Session> = {}): Session {
  return {
    idHash: 'session-hash-1',
    accountId: 'acct-johndoe',
    authenticator: 'username-password',
    acr: 'urn:tessera:authentication:html-form:username-password',
    authTime: T0,
    expiresAt: T0 + 3600,
    factors: [{ authenticator: 'username-password', amr: ['pwd'], at: T0 }],
    createdAt: T0,
    lastSeen: T0,
    userAgent: 'Mozilla/5.0 (test)',
    address: '192.0.2.1',
    ...overrides,
  };
}

export function code(overrides: Partial<CodeRecord> = {}): CodeRecord {
  return {
    hash: 'code-hash-1',
    grantId: 'grant-1',
    clientId: 'client-1',
    accountId: 'acct-johndoe',
    redirectUri: 'https://app.example/cb',
    scope: 'openid profile',
    nonce: 'nonce-1',
    codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    codeChallengeMethod: 'S256',
    authTime: T0 - 10,
    acr: 'urn:acr:1',
    expiresAt: T0 + 60,
    claims: '{"id_token":{"email":null}}',
    sessionHash: null,
    resource: null,
    jkt: null,
    ...overrides,
  };
}

export function token(overrides: Partial<TokenRecord> = {}): TokenRecord {
  return {
    hash: 'token-hash-1',
    kind: 'access_token',
    grantId: 'grant-1',
    clientId: 'client-1',
    accountId: 'acct-johndoe',
    scope: 'openid profile',
    authTime: T0 - 10,
    acr: 'urn:acr:1',
    issuedAt: T0,
    expiresAt: T0 + 300,
    familyExpiresAt: null,
    claims: null,
    audience: null,
    jkt: null,
    ...overrides,
  };
}

export function pushedRequest(overrides: Partial<PushedRequest> = {}): PushedRequest {
  return {
    hash: 'par-hash-1',
    clientId: 'client-1',
    // Characters a JSON column or a text encoding could change: quotes, a backslash, non-ASCII, an emoji.
    params: {
      response_type: 'code',
      client_id: 'client-1',
      redirect_uri: 'https://app.example/cb?x="1"&y=\\',
      scope: 'openid profile',
      state: 'état 😀',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
      resource: 'https://api.example/',
    },
    expiresAt: T0 + 60,
    ...overrides,
  };
}

export function snapshot(clientId = 'client-1'): Snapshot {
  return snapshotSchema.parse({
    authenticators: [{ id: 'username-password', type: 'html-form', registration: false }],
    scopes: [{ name: 'reports', description: 'Read reports — “quoted”', claims: ['department'] }],
    clients: [
      {
        client_id: clientId,
        name: 'Client één',
        redirect_uris: ['https://app.example/cb', 'http://127.0.0.1:8080/cb'],
        secret_hash: 'hmac-sha256:abc',
        scopes: ['openid', 'reports'],
        refresh_token: { enabled: false, lifetime: 600 },
      },
    ],
  });
}

export function revision(parent: number | null, overrides: Partial<NewRevision> = {}): NewRevision {
  return {
    parent,
    author: 'admin',
    message: `built on ${parent}`,
    createdAt: T0,
    snapshot: snapshot(),
    ...overrides,
  };
}

export function key(overrides: Partial<StoredKey> = {}): StoredKey {
  return {
    kid: 'kid-a',
    alg: 'RS256',
    publicJwk: '{"kty":"RSA","n":"AQAB","e":"AQAB"}',
    privateKey: 'v1.iv.tag.body',
    certificate: 'MIIBcertificate',
    createdAt: T0,
    activatesAt: T0 + 5,
    retiredAt: null,
    ...overrides,
  };
}

export function consent(overrides: Partial<Consent> = {}): Consent {
  return {
    accountId: 'acct-johndoe',
    clientId: 'client-1',
    scope: 'openid profile',
    createdAt: T0,
    ...overrides,
  };
}

/** Far past every case's clock: a seeded grant's row outlives what the case does with it. */
const SEEDED_GRANT_LIFETIME = 10_000_000;

/** Stores tokens as issued from live grants: each distinct grant is opened first, then its tokens issued. */
export async function seedTokens(grants: GrantStore, tokens: readonly TokenRecord[]): Promise<void> {
  const byGrant = new Map<string, TokenRecord[]>();
  for (const t of tokens) byGrant.set(t.grantId, [...(byGrant.get(t.grantId) ?? []), t]);
  for (const [grantId, list] of byGrant) {
    const first = list[0]!;
    const result = await grants.openGrant(
      {
        id: grantId,
        clientId: first.clientId,
        accountId: first.accountId,
        sessionHash: null,
        expiresAt: T0 + SEEDED_GRANT_LIFETIME,
      },
      T0,
      list,
    );
    if (result.status !== 'issued') throw new Error(`seeding grant ${grantId}: ${result.status}`);
  }
}

/** The account and its SSO sessions (session-hash-1, and any other hashes named) that bound codes refer to. */
export async function signedIn(store: Store, ...otherHashes: string[]): Promise<void> {
  await store.accounts.create(account());
  for (const idHash of ['session-hash-1', ...otherHashes]) await store.sessions.create(session({ idHash }));
}
