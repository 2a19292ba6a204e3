// The SSO session cookie: HttpOnly, SameSite=Lax (it must ride the top-level redirect from the client), Secure on HTTPS.
import type { FastifyReply } from 'fastify';
import { SESSION_COOKIE } from '../authn/sessions.ts';
import type { AppDeps } from './context.ts';

const options = (deps: AppDeps) => ({
  path: deps.endpoints.prefix || '/',
  httpOnly: true,
  sameSite: 'lax' as const,
  secure: deps.secureCookies,
});

export function setSessionCookie(reply: FastifyReply, deps: AppDeps, token: string): void {
  reply.setCookie(SESSION_COOKIE, token, { ...options(deps), maxAge: deps.sessionLifetime });
}

export function clearSessionCookie(reply: FastifyReply, deps: AppDeps): void {
  reply.clearCookie(SESSION_COOKIE, options(deps));
}
