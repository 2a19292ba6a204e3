// The admin session cookie and the guard on every admin page: no session, no page (a redirect to the login form).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../../admin/principal.ts';
import { ADMIN_SESSION_LIFETIME, findAdminSession } from '../../admin/sessions.ts';
import type { AppDeps } from '../context.ts';

/** Separate from the SSO cookie: logging in to an application never logs anyone in to the admin UI. */
export const ADMIN_COOKIE = 'tessera_admin';

/**
 * SameSite=Strict: the admin UI is never entered from another site with a live session, so a forged
 * cross-site request arrives without it (the CSRF token is the second line).
 */
const options = (deps: AppDeps) => ({
  path: `${deps.endpoints.prefix}/admin`,
  httpOnly: true,
  sameSite: 'strict' as const,
  secure: deps.secureCookies,
});

export function setAdminCookie(reply: FastifyReply, deps: AppDeps, token: string): void {
  reply.setCookie(ADMIN_COOKIE, token, { ...options(deps), maxAge: ADMIN_SESSION_LIFETIME });
}

export function clearAdminCookie(reply: FastifyReply, deps: AppDeps): void {
  reply.clearCookie(ADMIN_COOKIE, options(deps));
}

const principals = new WeakMap<FastifyRequest, Principal>();

/** The admin behind a request that passed `requireAdmin`. */
export function principalOf(request: FastifyRequest): Principal {
  const principal = principals.get(request);
  if (!principal) throw new Error('admin route reached without requireAdmin');
  return principal;
}

/**
 * Where the login form may send the admin afterwards: only admin pages, so no open redirect; and only
 * printable ASCII (a URL as a browser sends it), so nothing but a plain path reaches the Location header.
 */
export function safeNext(value: unknown, base: string): string {
  if (typeof value !== 'string' || !value.startsWith(`${base}/`) || /[^\x21-\x7e]|\\|\/\//.test(value))
    return base;
  return value;
}

export function requireAdmin(deps: AppDeps) {
  const base = `${deps.endpoints.prefix}/admin`;
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const username = await findAdminSession(deps.admin, request.cookies[ADMIN_COOKIE]);
    if (username) {
      principals.set(request, { via: 'ui', username, address: request.ip });
      return;
    }
    // After a POST with an expired session the form is lost anyway; come back to the page it was on.
    const next = request.method === 'GET' ? request.url : base;
    return reply.redirect(`${base}/login?next=${encodeURIComponent(safeNext(next, base))}`, 303);
  };
}
