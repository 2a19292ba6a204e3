// Admin login, logout and the one-time setup link that creates the first admin account.
import type { FastifyInstance } from 'fastify';
import { checkAdminLogin, createAdmin } from '../../admin/admins.ts';
import { endAdminSession, startAdminSession } from '../../admin/sessions.ts';
import { checkSetupToken } from '../../admin/setup.ts';
import { LoginThrottle } from '../../authn/throttle.ts';
import { ADMIN_COOKIE, clearAdminCookie, safeNext, setAdminCookie } from './auth.ts';
import { field, formOf, queryOf } from './forms.ts';
import { plainPage, type Ui } from './render.ts';

export function loginRoutes(app: FastifyInstance, ui: Ui): void {
  const { deps, base } = ui;
  const admin = deps.admin;
  // The same guard as the end-user login: too many failures for one admin from one address wait a while.
  const throttle = new LoginThrottle(admin.clock, deps.throttle, 'admin');

  const loginPage = (
    reply: Parameters<typeof plainPage>[1],
    next: string,
    extra: Record<string, unknown> = {},
    status = 200,
  ) =>
    plainPage(
      ui,
      reply,
      'login',
      { title: 'Admin login', next, username: '', error: undefined, ...extra },
      status,
    );

  app.get(`${base}/login`, async (request, reply) => {
    const noAdmin = (await admin.admin.users.list()).length === 0;
    return loginPage(reply, safeNext(field(queryOf(request), 'next'), base), { noAdmin });
  });

  app.post(`${base}/login`, { preHandler: app.csrfProtection }, async (request, reply) => {
    const form = formOf(request);
    const username = field(form, 'username').trim();
    const next = safeNext(field(form, 'next'), base);
    const wait = await throttle.blockedFor(username, request.ip);
    if (wait > 0) {
      request.log.warn({ event: 'admin_login_throttled' }, 'admin login throttled');
      reply.header('retry-after', String(wait));
      return loginPage(reply, next, { error: 'Too many failed attempts. Try again later.', username }, 429);
    }
    const user = await checkAdminLogin(admin.admin.users, username, field(form, 'password'));
    if (!user) {
      await throttle.fail(username, request.ip);
      request.log.info({ event: 'admin_login_failed' }, 'admin login failed');
      // One message for an unknown admin and a wrong password: no account enumeration.
      return loginPage(reply, next, { error: 'Incorrect username or password.', username }, 401);
    }
    await throttle.succeed(username, request.ip);
    request.log.info({ event: 'admin_login_succeeded', admin: user.username }, 'admin logged in');
    setAdminCookie(reply, deps, await startAdminSession(admin, user.username));
    return reply.redirect(next, 303);
  });

  app.post(`${base}/logout`, { preHandler: app.csrfProtection }, async (request, reply) => {
    await endAdminSession(admin, request.cookies[ADMIN_COOKIE]);
    clearAdminCookie(reply, deps);
    return reply.redirect(`${base}/login`, 303);
  });

  const setupClosed = (reply: Parameters<typeof plainPage>[1]) =>
    plainPage(
      ui,
      reply,
      'message',
      {
        title: 'Setup link used',
        heading: 'This setup link no longer works',
        message:
          'An admin account exists already, or the link is wrong. Log in, or create an admin with `tessera admin create`.',
        isError: true,
        link: { href: `${base}/login`, label: 'Go to the admin login' },
      },
      404,
    );

  app.get(`${base}/setup`, async (request, reply) => {
    const token = field(queryOf(request), 'token');
    if (!(await checkSetupToken(admin.admin.users, admin.setupKey, admin.random, token)))
      return setupClosed(reply);
    return plainPage(ui, reply, 'setup', { title: 'Create the first admin', token, values: {}, errors: {} });
  });

  app.post(`${base}/setup`, { preHandler: app.csrfProtection }, async (request, reply) => {
    const form = formOf(request);
    const token = field(form, 'token');
    if (!(await checkSetupToken(admin.admin.users, admin.setupKey, admin.random, token)))
      return setupClosed(reply);
    const username = field(form, 'username').trim();
    const result = await createAdmin(
      admin.admin.users,
      { username, password: field(form, 'password'), confirm: field(form, 'confirm') },
      admin.clock,
      { first: true },
    );
    if (!result.ok) {
      if (result.setupClosed) return setupClosed(reply);
      return plainPage(
        ui,
        reply,
        'setup',
        { title: 'Create the first admin', token, values: { username }, errors: result.errors },
        400,
      );
    }
    request.log.info(
      { event: 'admin_created', admin: username },
      'first admin account created with the setup link',
    );
    setAdminCookie(reply, deps, await startAdminSession(admin, result.user.username));
    return reply.redirect(base, 303);
  });
}
