// AuthnDeps for the Authentication Service's unit tests: memory store, frozen clock, counting random, a log that records.
import { createAuditRecorder } from '../../../src/authn/audit.ts';
import { createUpstreamProviders } from '../../../src/authn/authenticators/oidc/providers.ts';
import type { AuthnDeps, AuthnLog } from '../../../src/authn/deps.ts';
import type { MailMessage } from '../../../src/authn/mail.ts';
import { committedClients } from '../../../src/protocol/clients/resolver.ts';
import { FixedClock } from '../../../src/shared/clock.ts';
import { sha256 } from '../../../src/shared/crypto.ts';
import { createMemoryStore } from '../../../src/store/memory/index.ts';
import type { CodeRecord, Store, TokenRecord } from '../../../src/store/ports/index.ts';
import { countingRandom, liveConfig, NOW } from '../helpers.ts';

export { NOW };
export const SESSION_LIFETIME = 3600;

export interface AuthnHarness {
  deps: AuthnDeps;
  store: Store;
  clock: FixedClock;
  /** Every login result countLogin was told, in order. */
  counted: string[];
  /** Every message the use cases sent, in order (the sender itself is tested in test/unit/runtime/mail). */
  sent: MailMessage[];
}

export function authnHarness(): AuthnHarness {
  const store = createMemoryStore();
  const clock = new FixedClock(NOW);
  const counted: string[] = [];
  const sent: MailMessage[] = [];
  const config = liveConfig();
  const deps: AuthnDeps = {
    config: () => config,
    clients: committedClients(() => config),
    clock,
    random: countingRandom(),
    accounts: store.accounts,
    sessions: store.sessions,
    consents: store.consents,
    grants: store.grants,
    throttle: store.throttle,
    sessionLifetime: SESSION_LIFETIME,
    countLogin: (result) => counted.push(result),
    audit: createAuditRecorder({ store: store.audit, clock, log: () => ({ error: () => {} }) }),
    totp: store.totp,
    passkeys: store.passkeys,
    relyingParty: { id: 'localhost', origin: 'http://localhost:8443', name: 'Tessera' },
    upstream: store.upstream,
    // No network in unit tests: an upstream provider is never reached from here.
    upstreamProviders: createUpstreamProviders({
      fetch: () => Promise.reject(new Error('no network in unit tests')),
      clock,
      allowLoopback: false,
    }),
    mail: { send: async (message) => void sent.push(message) },
    emailTokens: store.emailTokens,
    emailLinkHash: (token) => `keyed:${sha256(`test-key\u0000${token}`)}`,
    emailLinkUrl: (purpose, token) =>
      `http://localhost:8443/authn/${purpose === 'verify_email' ? 'verify-email' : 'reset-password'}?token=${token}`,
    // Reversible but not the identity, so a test sees that the stored secret is not the plain key.
    secretBox: {
      seal: (plain) => `sealed:${Buffer.from(plain).toString('base64url')}`,
      open: (sealed) => Buffer.from(sealed.slice('sealed:'.length), 'base64url').toString(),
    },
  };
  return { deps, store, clock, counted, sent };
}

/** A log that keeps each event name with its level. */
export function recordingLog(): AuthnLog & { events: string[] } {
  const events: string[] = [];
  const keep = (level: string) => (fields: Record<string, unknown>) => {
    events.push(`${level}:${String(fields['event'])}`);
  };
  return { events, info: keep('info'), warn: keep('warn') };
}

/**
 * Opens a grant the way the authorize endpoint does (bound to `sessionToken`'s hash, or unbound for
 * offline access) and redeems its code for a refresh token; returns that token's hash.
 */
export async function grantWithRefreshToken(
  h: AuthnHarness,
  input: { grantId: string; clientId?: string; sessionToken: string | null },
): Promise<string> {
  const clientId = input.clientId ?? 'web';
  const code: CodeRecord = {
    hash: `code-${input.grantId}`,
    grantId: input.grantId,
    clientId,
    accountId: 'alice',
    redirectUri: null,
    scope: 'openid',
    nonce: null,
    codeChallenge: null,
    codeChallengeMethod: null,
    authTime: NOW,
    acr: 'urn:acr',
    expiresAt: NOW + 60,
    claims: null,
    sessionHash: input.sessionToken === null ? null : sha256(input.sessionToken),
    resource: null,
    jkt: null,
  };
  const refresh: TokenRecord = {
    hash: `refresh-${input.grantId}`,
    kind: 'refresh_token',
    grantId: input.grantId,
    clientId,
    accountId: 'alice',
    scope: 'openid',
    authTime: NOW,
    acr: 'urn:acr',
    issuedAt: NOW,
    expiresAt: NOW + 7200,
    familyExpiresAt: NOW + 7200,
    claims: null,
    audience: null,
    jkt: null,
  };
  await h.store.grants.saveCode(code);
  const consumed = await h.store.grants.consumeCode(code.hash, NOW, [refresh]);
  if (consumed.status !== 'consumed') throw new Error(`code not consumed: ${consumed.status}`);
  return refresh.hash;
}
