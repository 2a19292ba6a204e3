// Users pages: search accounts by username or email; one person's account, sessions, second factors and linked
// sign-ins, with the actions an operator takes for them (each a POST with CSRF that takes effect at once).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AdminError } from '../../admin/errors.ts';
import { authorName } from '../../admin/principal.ts';
import type { SendOutcome, UserActor, UsersAdmin } from '../../admin/users.ts';
import { RESET_LINK_MINUTES } from '../../authn/email/reset.ts';
import { principalOf, requireAdmin } from './auth.ts';
import { field, queryOf } from './forms.ts';
import { when } from './history.ts';
import { adminPage, type Ui } from './render.ts';
import { userMessage } from './user-messages.ts';

/** A send's outcome as the code its page words (user-messages.ts). */
const SENT: Record<SendOutcome['kind'], string> = {
  sent: 'sent',
  'no-email': 'no-email',
  disabled: 'disabled-no-link',
  'already-verified': 'already-verified',
  throttled: 'throttled',
  failed: 'mail-failed',
};

export function userRoutes(app: FastifyInstance, ui: Ui): void {
  const path = `${ui.base}/users`;
  const guardPost = { preHandler: [requireAdmin(ui.deps), app.csrfProtection] };
  const users = (): UsersAdmin => {
    const found = ui.deps.admin.users;
    if (!found) throw new Error('the users admin is not wired');
    return found;
  };
  const userPath = (id: string) => `${path}/${encodeURIComponent(id)}`;
  const idOf = (request: FastifyRequest) => (request.params as { id: string }).id;
  const actor = (request: FastifyRequest): UserActor => ({
    name: authorName(principalOf(request)),
    address: request.ip,
    log: request.log,
  });

  app.get(path, { preHandler: requireAdmin(ui.deps) }, async (request, reply) => {
    const q = queryOf(request);
    const query = field(q, 'q').trim();
    const after = field(q, 'after');
    let page: Awaited<ReturnType<UsersAdmin['search']>> = { users: [], next: null };
    let issues: { label: string; message: string }[] = [];
    try {
      page = await users().search({ query, after });
    } catch (error) {
      if (!(error instanceof AdminError)) throw error;
      issues = error.issues.map((i) => ({
        label: i.path === 'query' ? 'Search' : 'Page',
        message: i.message,
      }));
    }
    const link = (extra: Record<string, string>) => {
      const params = new URLSearchParams(query === '' ? {} : { q: query });
      for (const [k, v] of Object.entries(extra)) params.set(k, v);
      const s = params.toString();
      return s === '' ? path : `${path}?${s}`;
    };
    return adminPage(
      ui,
      request,
      reply,
      'users',
      {
        title: 'Users',
        section: 'users',
        action: path,
        query: query.slice(0, 254),
        issues,
        users: page.users.map((u) => ({ ...u, href: userPath(u.id), created: when(u.created_at) })),
        next: page.next === null ? null : link({ after: page.next }),
        first: after === '' ? null : link({}),
      },
      issues.length > 0 ? 400 : 200,
    );
  });

  app.get(`${path}/:id`, { preHandler: requireAdmin(ui.deps) }, async (request, reply) => {
    const user = await users()
      .show(idOf(request))
      .catch((error: unknown) => {
        if (error instanceof AdminError && error.code === 'not_found') return undefined;
        throw error;
      });
    if (!user)
      return adminPage(
        ui,
        request,
        reply,
        'message',
        {
          title: 'No such user',
          section: 'users',
          heading: 'No such user',
          message: 'There is no account with this ID. It may have been removed, or the link is wrong.',
          isError: true,
          link: { href: path, label: 'Back to the users' },
        },
        404,
      );
    const here = userPath(user.id);
    const live = ui.deps.authn.config();
    const oidcOffered = [...live.authenticators.values()].some((a) => a.type === 'oidc');
    return adminPage(ui, request, reply, 'user', {
      title: `User ${user.username}`,
      section: 'users',
      back: path,
      resetMinutes: RESET_LINK_MINUTES,
      user: { ...user, created: when(user.created_at) },
      said: userMessage(queryOf(request), user, live),
      actions: {
        reset: `${here}/password-reset`,
        verify: `${here}/verification-email`,
        markVerified: `${here}/email-verified`,
        toggle: `${here}/${user.disabled ? 'enable' : 'disable'}`,
        endSessions: `${here}/sessions/end`,
      },
      audit: `${ui.base}/audit?${new URLSearchParams({ user: user.id })}`,
      sessions: user.sessions.map((s) => ({
        ...s,
        started: when(s.started_at),
        lastSeen: when(s.last_seen_at),
      })),
      factors: user.factors.map((f) => ({
        ...f,
        label: f.kind === 'totp' ? 'Authenticator app' : 'Passkey',
        added: when(f.added_at),
        lastUsed: f.last_used_at === null ? 'never' : when(f.last_used_at),
        remove: `${here}/factors/${encodeURIComponent(f.id)}/remove`,
      })),
      showIdentities: oidcOffered || user.identities.length > 0,
      identities: user.identities.map((i) => ({
        ...i,
        linked: when(i.linked_at),
        lastUsed: i.last_used_at === null ? 'never' : when(i.last_used_at),
        unlink: `${here}/identities/${encodeURIComponent(i.id)}/unlink`,
      })),
    });
  });

  /** Every action answers with the user's page again (303), the outcome named by a code it words. */
  const act = (
    verb: string,
    work: (request: FastifyRequest, id: string) => Promise<Record<string, string | number>>,
  ) =>
    app.post(`${path}/:id/${verb}`, guardPost, async (request: FastifyRequest, reply: FastifyReply) => {
      const id = idOf(request);
      const said = await work(request, id);
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(said)) params.set(k, String(v));
      return reply.redirect(`${userPath(id)}?${params}#message`, 303);
    });

  act('disable', async (request, id) => {
    const r = await users().setDisabled(actor(request), id, true);
    return r.changed ? { done: 'disabled', n: r.sessionsEnded } : { done: 'already-disabled' };
  });
  act('enable', async (request, id) => {
    const r = await users().setDisabled(actor(request), id, false);
    return { done: r.changed ? 'enabled' : 'already-enabled' };
  });
  act('sessions/end', async (request, id) => ({
    done: 'sessions-ended',
    n: await users().endSessions(actor(request), id),
  }));
  act('factors/:handle/remove', async (request, id) => {
    const { handle } = request.params as { handle: string };
    const r = await users().removeFactor(actor(request), id, handle);
    if (r.kind === 'unknown') return { done: 'factor-unknown' };
    return { done: 'factor-removed', factor: r.factor, ...(r.neededBy ? { policy: r.neededBy.id } : {}) };
  });
  act('identities/:handle/unlink', async (request, id) => {
    const { handle } = request.params as { handle: string };
    const r = await users().unlink(actor(request), id, handle);
    if (r.kind === 'unknown') return { done: 'identity-unknown' };
    return { done: 'unlinked', via: r.authenticator, ...(r.lastWayIn ? { last: 1 } : {}) };
  });
  act('password-reset', async (request, id) => {
    const r = await users().sendPasswordReset(actor(request), id);
    const code = SENT[r.kind];
    return { done: code === 'sent' || code === 'throttled' ? `reset-${code}` : code };
  });
  act('verification-email', async (request, id) => {
    const r = await users().sendVerificationEmail(actor(request), id);
    const code = SENT[r.kind];
    return { done: code === 'sent' || code === 'throttled' ? `verify-${code}` : code };
  });
  act('email-verified', async (request, id) => {
    const r = await users().markEmailVerified(actor(request), id);
    return { done: r.kind === 'already-verified' ? 'verified-already' : r.kind };
  });
}
