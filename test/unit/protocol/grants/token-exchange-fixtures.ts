// Fixtures for the token-exchange tests: an API-fronting snapshot, a trusted issuer's keys, subject tokens.
import { generateKeyPairSync } from 'node:crypto';
import { exportJWK, SignJWT } from 'jose';
import type { SnapshotInput } from '../../../../src/config/schema.ts';
import { createClientKeys } from '../../../../src/keys/client-jwks.ts';
import type { AuditEvent } from '../../../../src/store/ports/index.ts';
import {
  basic,
  exchange,
  type Harness,
  harness,
  issueCode,
  NOW,
  OTHER_SECRET,
  ok,
  testSnapshot,
  token,
  WEB_SECRET,
} from '../../helpers.ts';

export const ORDERS = 'https://orders.example/api';
export const REPORTS = 'https://reports.example/api';
export const BILLING = 'https://billing.example/api';
export const PARTNER = 'https://idp.partner.example';
export const TE = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const AT = 'urn:ietf:params:oauth:token-type:access_token';
export const RT = 'urn:ietf:params:oauth:token-type:refresh_token';
export const IDT = 'urn:ietf:params:oauth:token-type:id_token';
export const JWT = 'urn:ietf:params:oauth:token-type:jwt';
export const WEB = basic('web', WEB_SECRET);
export const SOLO = basic('solo', OTHER_SECRET);
export const OTHER = basic('other', OTHER_SECRET);

const partnerKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const strangerKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const partnerJwk = { ...(await exportJWK(partnerKeys.publicKey)), kid: 'partner-1', alg: 'ES256' };

export function exchangeSnapshot(): SnapshotInput {
  const base = testSnapshot();
  const clients = (base.clients ?? []).map((c) =>
    c.client_id === 'web'
      ? {
          ...c,
          capabilities: ['code' as const, 'client_credentials' as const, 'token_exchange' as const],
          scopes: [...(c.scopes ?? []), 'orders:read', 'orders:write'],
          token_exchange: {
            subject_token_types: [
              'access_token' as const,
              'refresh_token' as const,
              'id_token' as const,
              'jwt' as const,
            ],
            actor_token_types: ['access_token' as const, 'jwt' as const],
            audiences: [ORDERS, REPORTS],
            impersonation: true,
            delegation: true,
            trusted_issuers: [PARTNER],
          },
        }
      : c,
  );
  return {
    ...base,
    scopes: [...(base.scopes ?? []), { name: 'orders:read' }, { name: 'orders:write' }],
    apis: [
      { identifier: ORDERS, scopes: ['orders:read', 'orders:write'], access_token_lifetime: 900 },
      { identifier: REPORTS, scopes: ['reports'], access_token_format: 'jwt', access_token_lifetime: 120 },
      { identifier: BILLING, scopes: ['orders:read'] },
    ],
    trusted_issuers: [{ issuer: PARTNER, jwks: { keys: [partnerJwk] } }],
    clients: [
      ...clients,
      {
        client_id: 'solo',
        capabilities: ['code', 'token_exchange'],
        redirect_uris: ['https://solo.example/cb'],
        secret: OTHER_SECRET,
        scopes: ['openid', 'orders:read'],
        token_exchange: { subject_token_types: ['access_token'], audiences: [ORDERS], impersonation: true },
      },
    ],
  };
}

/** A harness with trusted-issuer keys and an audit sink; `events` is what the grant recorded. */
export function exchangeHarness(): Harness & { events: Omit<AuditEvent, 'at'>[] } {
  const h = harness(exchangeSnapshot());
  const events: Omit<AuditEvent, 'at'>[] = [];
  h.deps.trustedIssuerKeys = createClientKeys({
    outbound: { timeout: 3, maxBytes: 65_536, allowLoopback: false, allowPrivateNetworks: false },
    clock: h.clock,
  });
  h.deps.audit = {
    async record(event) {
      events.push(event);
    },
  };
  return Object.assign(h, { events });
}

/** alice's tokens from a code flow of the web client (scope openid orders:read, so an ID token too). */
export async function aliceTokens(h: Harness, scope = 'openid orders:read') {
  const code = await issueCode(h, { client_id: 'web', redirect_uri: 'https://app.example/cb', scope });
  return ok(await exchange(h, code, { redirect_uri: 'https://app.example/cb' }));
}

/** The web client's own client-credentials token: the actor in delegation. */
export async function webActorToken(h: Harness): Promise<string> {
  return ok(await token(h, { grant_type: 'client_credentials', scope: 'orders:read' }, WEB)).access_token;
}

/** A JWT from the partner issuer (or, with `stranger`, signed by a key the partner never published). */
export function partnerJwt(claims: Record<string, unknown> = {}, stranger = false): Promise<string> {
  return new SignJWT({ sub: 'partner-user-7', aud: 'web', scope: 'orders:read', ...claims })
    .setProtectedHeader({ alg: 'ES256', kid: 'partner-1' })
    .setIssuer(PARTNER)
    .setIssuedAt(NOW)
    .setExpirationTime(NOW + 600)
    .sign(stranger ? strangerKeys.privateKey : partnerKeys.privateKey);
}

/** An ID token signed by another issuer's key: not one this server issued. */
export function foreignIdToken(): Promise<string> {
  return new SignJWT({ sub: 'alice', aud: 'web', purpose: 'id' })
    .setProtectedHeader({ alg: 'ES256' })
    .setIssuer('https://elsewhere.example')
    .setExpirationTime(NOW + 600)
    .sign(strangerKeys.privateKey);
}

export function exchangeToken(h: Harness, body: Record<string, string | string[]>, auth = WEB) {
  return token(h, { grant_type: TE, ...body }, auth);
}
