// Admin API: end users. Search, one user with sessions, factors and linked sign-ins, and the actions an operator
// takes for them; account data, not config, so each takes effect at once (no draft) and is audited.
import { z } from 'zod';
import { AdminError } from '../../admin/errors.ts';
import { authorName, type Principal } from '../../admin/principal.ts';
import type { AdminService } from '../../admin/service.ts';
import { SEARCH_PAGE, type SendOutcome, sendRefusal, type UsersAdmin } from '../../admin/users.ts';
import { operation } from './operation.ts';

const tag = 'Users';
const byUser = z.object({ id: z.string().min(1).max(200).meta({ description: 'The account id (`sub`).' }) });
const byHandle = byUser.extend({
  handle: z.string().min(1).max(64).meta({ description: 'The `id` the user view gives the factor or link.' }),
});
const seconds = z.number().int().meta({ description: 'Seconds since the epoch.' });

const summary = z.object({
  id: z.string().meta({ description: 'The account id: the `sub` of its ID tokens.' }),
  username: z.string(),
  name: z.string().nullable(),
  email: z.string().nullable(),
  email_verified: z.boolean(),
  created_at: seconds,
  disabled: z.boolean(),
});
const detail = summary.extend({
  sessions: z.array(
    z.object({ browser: z.string(), address: z.string(), started_at: seconds, last_seen_at: seconds }),
  ),
  factors: z.array(
    z.object({
      id: z.string().meta({ description: '`totp`, or a handle of the passkey (never its key).' }),
      kind: z.enum(['totp', 'passkey']),
      name: z.string(),
      added_at: seconds,
      last_used_at: seconds.nullable(),
      recovery_codes_left: z.number().int().optional(),
    }),
  ),
  identities: z.array(
    z.object({
      id: z.string(),
      provider: z.string(),
      issuer: z.string(),
      subject: z.string(),
      linked_at: seconds,
      last_used_at: seconds.nullable(),
    }),
  ),
});
const sentSchema = z.object({
  email: z.string().meta({ description: 'Where the link went.' }),
  expires_in: z.number().int().meta({ description: 'Seconds the link works for, once.' }),
});

function users(service: AdminService): UsersAdmin {
  const found = service.deps.users;
  if (!found) throw new AdminError('not_found', 'user management is not available');
  return found;
}
const actor = (principal: Principal) => ({ name: authorName(principal), address: principal.address });

/** A send's answer: 202 with where it went, or the refusal (409, 429, 502). */
function sent(outcome: SendOutcome, what: string) {
  if (outcome.kind !== 'sent') throw sendRefusal(outcome, what);
  return { status: 202, body: { email: outcome.email, expires_in: outcome.minutes * 60 } };
}

const post = (
  path: string,
  operationId: string,
  summary: string,
  responses: Record<number, { description: string; schema?: z.ZodType }>,
  errors: number[],
  handle: (
    admin: UsersAdmin,
    who: ReturnType<typeof actor>,
    params: z.output<typeof byHandle>,
  ) => Promise<{ status: number; body?: unknown }>,
  params: z.ZodObject = byUser,
) =>
  operation({
    method: 'POST',
    path: `/users/{id}${path}`,
    operationId,
    summary,
    tag,
    params,
    responses,
    errors: [404, ...errors],
    handle: ({ params: p, principal, service }) =>
      handle(users(service), actor(principal), p as z.output<typeof byHandle>),
  });

export const userOperations = [
  operation({
    method: 'GET',
    path: '/users',
    operationId: 'listUsers',
    summary: 'Users whose username or email address contains `query`, by username',
    description:
      'ASCII letters match without regard to case; an empty `query` lists everyone. Pass `next` from a page as `after` for the following page.',
    tag,
    query: z.object({
      query: z.string().max(254).optional(),
      after: z.string().max(254).optional().meta({ description: 'The `next` of the page before.' }),
      limit: z.coerce.number().int().min(1).max(200).default(SEARCH_PAGE),
    }),
    responses: {
      200: {
        description: 'One page of users',
        schema: z.object({
          users: z.array(summary),
          next: z
            .string()
            .nullable()
            .meta({ description: 'The `after` of the next page; null on the last.' }),
        }),
      },
    },
    async handle({ query, service }) {
      return { status: 200, body: await users(service).search(query) };
    },
  }),
  operation({
    method: 'GET',
    path: '/users/{id}',
    operationId: 'getUser',
    summary: 'One user: profile, SSO sessions, second factors and passkeys, linked sign-ins (never a secret)',
    tag,
    params: byUser,
    responses: { 200: { description: 'The user', schema: z.object({ user: detail }) } },
    errors: [404],
    async handle({ params, service }) {
      return { status: 200, body: { user: await users(service).show(params.id) } };
    },
  }),
  post(
    '/disable',
    'disableUser',
    'Disable a user: no more sign-ins; their sessions end with the grants made in them',
    {
      200: {
        description: 'Disabled',
        schema: z.object({ disabled: z.literal(true), sessions_ended: z.number().int() }),
      },
    },
    [],
    async (admin, who, { id }) => {
      const r = await admin.setDisabled(who, id, true);
      return { status: 200, body: { disabled: true, sessions_ended: r.sessionsEnded } };
    },
  ),
  post(
    '/enable',
    'enableUser',
    'Enable a disabled user again',
    { 200: { description: 'Enabled', schema: z.object({ disabled: z.literal(false) }) } },
    [],
    async (admin, who, { id }) => {
      await admin.setDisabled(who, id, false);
      return { status: 200, body: { disabled: false } };
    },
  ),
  post(
    '/sessions/end',
    'endUserSessions',
    'End every SSO session of the user and the grants made in them (offline_access grants stay)',
    { 200: { description: 'Ended', schema: z.object({ sessions_ended: z.number().int() }) } },
    [],
    async (admin, who, { id }) => ({
      status: 200,
      body: { sessions_ended: await admin.endSessions(who, id) },
    }),
  ),
  post(
    '/factors/{handle}/remove',
    'removeUserFactor',
    'Remove a second factor or passkey (a lost phone); also the last one a sign-in policy needs',
    {
      200: {
        description: 'Removed; `needed_by` names a policy that now has no second step for this user',
        schema: z.object({
          removed: z.object({ kind: z.enum(['totp', 'passkey']), name: z.string() }),
          needed_by: z
            .object({
              id: z.string(),
              name: z.string(),
              enrol: z.boolean().meta({ description: 'Whether that policy asks for a new one at sign-in.' }),
            })
            .nullable(),
        }),
      },
    },
    [],
    async (admin, who, { id, handle }) => {
      const r = await admin.removeFactor(who, id, handle);
      if (r.kind === 'unknown') throw new AdminError('not_found', 'the user has no such factor');
      return { status: 200, body: { removed: { kind: r.factor, name: r.name }, needed_by: r.neededBy } };
    },
    byHandle,
  ),
  post(
    '/identities/{handle}/unlink',
    'unlinkUserIdentity',
    'Unlink a sign-in through another provider',
    {
      200: {
        description: 'Unlinked; `last_way_in` when the user has no other way to sign in now',
        schema: z.object({ provider: z.string(), last_way_in: z.boolean() }),
      },
    },
    [],
    async (admin, who, { id, handle }) => {
      const r = await admin.unlink(who, id, handle);
      if (r.kind === 'unknown') throw new AdminError('not_found', 'the user has no such linked sign-in');
      return { status: 200, body: { provider: r.provider, last_way_in: r.lastWayIn } };
    },
    byHandle,
  ),
  post(
    '/password-reset',
    'sendUserPasswordReset',
    'Email the user a password reset link (single use); at most 3 messages an hour per user, whoever asks',
    { 202: { description: 'The message is on its way', schema: sentSchema } },
    [409, 429, 502],
    async (admin, who, { id }) => sent(await admin.sendPasswordReset(who, id), 'a reset link'),
  ),
  post(
    '/verification-email',
    'sendUserVerificationEmail',
    'Email the user a link that verifies their address (single use, 24 hours)',
    { 202: { description: 'The message is on its way', schema: sentSchema } },
    [409, 429, 502],
    async (admin, who, { id }) => sent(await admin.sendVerificationEmail(who, id), 'a verification link'),
  ),
  post(
    '/email-verified',
    'markUserEmailVerified',
    "Mark the user's email address verified without a link (email_verified: true)",
    {
      200: {
        description: 'Verified (or already was)',
        schema: z.object({ email: z.string(), email_verified: z.literal(true), changed: z.boolean() }),
      },
    },
    [409],
    async (admin, who, { id }) => {
      const r = await admin.markEmailVerified(who, id);
      if (r.kind === 'no-email') throw new AdminError('refused', 'the user has no email address');
      return { status: 200, body: { email: r.email, email_verified: true, changed: r.kind === 'verified' } };
    },
  ),
];
