// Passkey options for the browser: the Authentication Service's pages fetch them (login, second factor,
// enrolment), the challenge is stored server-side and bound to this browser by a short-lived cookie; the
// answer is posted to the registry's usual login, step and enrol routes. Also the two scripts the pages load.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { passwordlessOf, userVerificationOf } from '../../authn/authenticators/passkey/index.ts';
import { CHALLENGE_COOKIE, CHALLENGE_LIFETIME } from '../../authn/passkey/challenges.ts';
import { startPasskeyAssertion, startPasskeyEnrolment } from '../../authn/passkey/manage.ts';
import { findSession } from '../../authn/sessions.ts';
import { PATHS } from '../../config/endpoints.ts';
import type { AuthenticatorConfig } from '../../config/schema.ts';
import { sourceAsset } from '../../shared/paths.ts';
import { type AppDeps, ASSETS_PATH } from '../context.ts';
import { sessionToken } from '../request.ts';

const BROWSER_BUNDLE = readFileSync(
  join(
    dirname(createRequire(import.meta.url).resolve('@simplewebauthn/browser')),
    '..',
    'dist',
    'bundle',
    'index.umd.min.js',
  ),
);
const PAGE_SCRIPT = readFileSync(sourceAsset('http', 'static', 'passkey.js'));

/** The challenge cookie: HttpOnly, SameSite=Strict (only our own pages fetch options), for the Authentication Service only. */
export function setChallengeCookie(reply: FastifyReply, deps: AppDeps, handle: string): void {
  reply.setCookie(CHALLENGE_COOKIE, handle, {
    path: `${deps.endpoints.prefix}${PATHS.authn}`,
    httpOnly: true,
    sameSite: 'strict',
    secure: deps.secureCookies,
    maxAge: CHALLENGE_LIFETIME,
  });
}

/** The handle the browser's challenge cookie holds, for a passkey Attempt. */
export const challengeHandle = (request: FastifyRequest): string | undefined =>
  request.cookies[CHALLENGE_COOKIE];

export function authnPasskeyRoutes(app: FastifyInstance, deps: AppDeps): void {
  const base = `${deps.endpoints.prefix}${PATHS.authn}`;
  const assets = deps.endpoints.prefix + ASSETS_PATH;
  const script = (body: Buffer) => (_request: FastifyRequest, reply: FastifyReply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=3600').send(body);
  app.get(`${assets}/webauthn.js`, script(BROWSER_BUNDLE));
  app.get(`${assets}/passkey.js`, script(PAGE_SCRIPT));

  const fail = (reply: FastifyReply, status: number, error: string) =>
    reply.code(status).header('cache-control', 'no-store').send({ error });
  const sendOptions = (reply: FastifyReply, started: { options: unknown; handle: string }) => {
    setChallengeCookie(reply, deps, started.handle);
    return reply.header('cache-control', 'no-store').send({ options: started.options });
  };
  const passkeyOf = (request: FastifyRequest): AuthenticatorConfig | undefined => {
    const found = deps.authn.config().authenticators.get((request.params as { id: string }).id);
    return found?.type === 'passkey' ? found : undefined;
  };
  const guarded = { preHandler: app.csrfProtection };

  // Passwordless: any discoverable passkey of this RP (empty allowCredentials, WebAuthn L3 §5.5).
  app.post(`${base}/authenticate/passkey/:id/options`, guarded, async (request, reply) => {
    const a = passkeyOf(request);
    if (!a || !passwordlessOf(a)) return fail(reply, 404, 'There is no such sign-in.');
    return sendOptions(reply, await startPasskeyAssertion(null, userVerificationOf(a), deps.authn));
  });

  // A second factor, or enrolment: for the account of the current session only.
  for (const kind of ['step', 'enrol'] as const)
    app.post(`${base}/${kind}/passkey/:id/options`, guarded, async (request, reply) => {
      const a = passkeyOf(request);
      if (!a) return fail(reply, 404, 'There is no such sign-in step.');
      const session = await findSession(sessionToken(request), deps.authn);
      if (!session) return fail(reply, 401, 'Your sign-in has ended. Start again.');
      if (kind === 'step')
        return sendOptions(
          reply,
          await startPasskeyAssertion(session.accountId, userVerificationOf(a), deps.authn),
        );
      const account = await deps.authn.accounts.findById(session.accountId);
      if (!account) return fail(reply, 401, 'Your sign-in has ended. Start again.');
      return sendOptions(reply, await startPasskeyEnrolment(account, userVerificationOf(a), deps.authn));
    });
}
