// The SSO session: a random cookie value, stored only as its hash, naming who logged in, how and when.
import type { Clock } from '../shared/clock.ts';
import { sha256 } from '../shared/crypto.ts';
import type { Random } from '../shared/random.ts';
import type { GrantStore, Session, SessionFactor, SessionStore } from '../store/ports/index.ts';
import type { AuditRecorder } from './audit.ts';

export const SESSION_COOKIE = 'tessera_sso';

/** Our cookie values are 43 characters; anything much longer is not one of ours and is not hashed. */
const MAX_COOKIE_LENGTH = 100;

/** What the account page shows of a browser: enough to recognise it, never a full header. */
const MAX_USER_AGENT = 200;

export async function startSession(
  input: {
    accountId: string;
    authenticator: string;
    acr: string;
    lifetime: number;
    /** The first factor's RFC 8176 amr values (html-form: ["pwd"]). */
    amr?: readonly string[];
    userAgent?: string | undefined;
    address?: string | undefined;
    /** When the first factor was proven, if before now (a login finished once the email was verified). */
    authTime?: number | undefined;
  },
  deps: { sessions: SessionStore; clock: Clock; random: Random },
): Promise<string> {
  const token = deps.random.token(32);
  const now = deps.clock.nowSeconds();
  // OIDC Core §2: auth_time is when the person authenticated, not when the session happened to start.
  const authTime = Math.min(input.authTime ?? now, now);
  await deps.sessions.create({
    idHash: sha256(token),
    accountId: input.accountId,
    authenticator: input.authenticator,
    acr: input.acr,
    authTime,
    expiresAt: now + input.lifetime,
    factors: [{ authenticator: input.authenticator, amr: [...(input.amr ?? ['pwd'])], at: authTime }],
    createdAt: now,
    lastSeen: now,
    // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
    userAgent: (input.userAgent ?? '').replace(/[\u0000-\u001f\u007f]/g, '').slice(0, MAX_USER_AGENT),
    address: (input.address ?? '').slice(0, 64),
  });
  return token;
}

/** Adds a verified second factor to the session (a policy's later step); false when the session ended meanwhile. */
export function addFactor(
  session: Pick<Session, 'idHash'>,
  factor: Omit<SessionFactor, 'at'>,
  deps: { sessions: SessionStore; clock: Clock },
): Promise<boolean> {
  const now = deps.clock.nowSeconds();
  return deps.sessions.addFactor(session.idHash, { ...factor, amr: [...factor.amr], at: now }, now);
}

/** Seconds between lastSeen updates: at most one write a minute per session, so authorize stays one read. */
export const LAST_SEEN_INTERVAL = 60;

/** Records that the session was used now, unless it was within the last minute. */
export async function touchSession(session: Session, deps: { sessions: SessionStore; clock: Clock }) {
  const now = deps.clock.nowSeconds();
  if (now - session.lastSeen >= LAST_SEEN_INTERVAL) await deps.sessions.touch(session.idHash, now);
}

/** The live session a cookie value names: the one lookup the Token Service and the Authentication Service share. */
export async function findSession(
  token: string | undefined,
  deps: { sessions: SessionStore; clock: Clock },
): Promise<Session | undefined> {
  if (token === undefined || token.length > MAX_COOKIE_LENGTH) return undefined;
  return deps.sessions.find(sha256(token), deps.clock.nowSeconds());
}

/**
 * Ends the session and, with it, every grant made in it without offline_access: their refresh tokens stop
 * working at once (OpenID Connect Core §11; RP-Initiated Logout 1.0 §2). Offline grants were recorded
 * unbound (protocol/grants/session-binding.ts) and survive. Returns how many grants it revoked.
 */
export async function endSession(
  token: string | undefined,
  deps: {
    sessions: SessionStore;
    grants: Pick<GrantStore, 'revokeSessionGrants'>;
    clock: Clock;
    audit?: AuditRecorder;
  },
  /** Where the request came from, for the audit log. */
  address?: string,
): Promise<number> {
  if (token === undefined || token.length > MAX_COOKIE_LENGTH) return 0;
  const hash = sha256(token);
  // Only a live session's end is an event: a stale cookie logging out ends nothing.
  const session = deps.audit && (await deps.sessions.find(hash, deps.clock.nowSeconds()));
  await deps.sessions.delete(hash);
  const revoked = await deps.grants.revokeSessionGrants(hash, deps.clock.nowSeconds());
  if (session) {
    await deps.audit?.record({
      type: 'session.ended',
      accountId: session.accountId,
      address,
      detail: { reason: 'logout', grants_revoked: revoked },
    });
  }
  return revoked;
}
