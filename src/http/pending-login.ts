// The browser's half of a login waiting for a verified email address: a signed, HttpOnly cookie naming the account,
// the authenticator, when the password was checked and where to go next; it lasts as long as the pending login.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PENDING_LIFETIME, type PendingLogin } from '../authn/authenticators/html-form/pending.ts';
import { PATHS } from '../config/endpoints.ts';
import type { AppDeps } from './context.ts';
import { safeReturnPath } from './request.ts';

export const PENDING_COOKIE = 'tessera_pending_login';
/** A cookie of ours is a few hundred bytes; a longer one is not and is not parsed. */
const MAX_COOKIE = 2048;

const options = (deps: AppDeps) => ({
  path: `${deps.endpoints.prefix}${PATHS.authn}`,
  httpOnly: true,
  // Lax: it must come along when the person opens the emailed link (a top-level navigation from their mail).
  sameSite: 'lax' as const,
  secure: deps.secureCookies,
  signed: true,
});

export interface PendingState extends PendingLogin {
  returnTo: string;
}

export function setPendingCookie(reply: FastifyReply, deps: AppDeps, state: PendingState): void {
  const value = Buffer.from(
    JSON.stringify({
      a: state.accountId,
      f: state.authenticator,
      t: state.authTime,
      p: state.proof,
      r: state.returnTo,
    }),
  ).toString('base64url');
  reply.setCookie(PENDING_COOKIE, value, { ...options(deps), maxAge: PENDING_LIFETIME });
}

export function clearPendingCookie(reply: FastifyReply, deps: AppDeps): void {
  const { signed: _signed, ...rest } = options(deps);
  reply.clearCookie(PENDING_COOKIE, rest);
}

/** The pending login this browser holds, when its cookie is ours (signature checked) and well formed. */
export function readPendingCookie(request: FastifyRequest, deps: AppDeps): PendingState | undefined {
  const raw = request.cookies[PENDING_COOKIE];
  if (raw === undefined || raw.length > MAX_COOKIE) return undefined;
  const unsigned = request.unsignCookie(raw);
  if (!unsigned.valid || unsigned.value === null) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(unsigned.value, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { a, f, t, p, r } = parsed as Record<string, unknown>;
  if (typeof a !== 'string' || typeof f !== 'string' || typeof p !== 'string' || typeof r !== 'string')
    return undefined;
  if (typeof t !== 'number' || !Number.isInteger(t)) return undefined;
  return {
    accountId: a,
    authenticator: f,
    authTime: t,
    proof: p,
    returnTo: safeReturnPath(r, deps.endpoints.prefix),
  };
}
