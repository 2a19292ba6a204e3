// `tessera user show | sessions end | factor remove | unlink | send-reset | send-verification`: what an operator does
// for one person, through the same use cases as the admin's Users page (admin/users.ts), recorded with `cli` as actor.
import type { Command } from 'commander';
import type { UserActor, UserDetail, UsersAdmin } from '../admin/users.ts';
import { commonOptions, fail } from './common.ts';

type Opts = { config?: string; data?: string };
const CLI: UserActor = { name: 'cli' };

const at = (seconds: number | null) =>
  seconds === null ? 'never' : `${new Date(seconds * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** Opens the local store with the server's config and mail sender, runs `work` for the user, and closes it all. */
async function forUser(
  username: string,
  opts: Opts,
  work: (users: UsersAdmin, id: string, mail: string) => Promise<string>,
): Promise<void> {
  const [{ openLocalAuthn }, { usersAdmin }, { AdminError }] = await Promise.all([
    import('../runtime/local-authn.ts'),
    import('../admin/users.ts'),
    import('../admin/errors.ts'),
  ]);
  const local = await openLocalAuthn(opts, { warn: (message) => process.stderr.write(`${message}\n`) });
  let out: string;
  try {
    const users = usersAdmin(local.authn);
    out = await work(users, await users.idOf(username), local.mailDestination);
  } catch (error) {
    await local.close();
    if (error instanceof AdminError)
      return fail(error.code === 'not_found' ? `no user "${username}"` : error.message);
    throw error;
  }
  await local.close();
  process.stdout.write(out);
}

function describe(u: UserDetail): string {
  const lines = [
    `username:  ${u.username}`,
    ...(u.id === u.username ? [] : [`account id: ${u.id}`]),
    `name:      ${u.name ?? '(none)'}`,
    `email:     ${u.email === null ? '(none)' : `${u.email} (${u.email_verified ? 'verified' : 'not verified'})`}`,
    `created:   ${at(u.created_at)}`,
    `state:     ${u.disabled ? 'disabled' : 'can sign in'}`,
    `sessions:  ${u.sessions.length === 0 ? 'none' : u.sessions.length}`,
    ...u.sessions.map(
      (s) =>
        `  ${s.browser}\t${s.address || 'unknown address'}\tstarted ${at(s.started_at)}\tlast seen ${at(s.last_seen_at)}`,
    ),
    `second factors and passkeys: ${u.factors.length === 0 ? 'none' : ''}`.trimEnd(),
    ...u.factors.map((f) =>
      f.kind === 'totp'
        ? `  totp\t${f.name}\tadded ${at(f.added_at)}\t${f.recovery_codes_left ?? 0} recovery codes left`
        : `  passkey ${f.id}\t${f.name}\tadded ${at(f.added_at)}\tlast used ${at(f.last_used_at)}`,
    ),
    `linked sign-ins: ${u.identities.length === 0 ? 'none' : ''}`.trimEnd(),
    ...u.identities.map(
      (i) => `  ${i.provider}\t${i.issuer}\tsubject ${i.subject}\tlinked ${at(i.linked_at)}`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}

export function userManageCommands(cmd: Command): void {
  commonOptions(cmd.command('show <username>'))
    .description("a user's account, SSO sessions, second factors and passkeys, and linked sign-ins")
    .option('--json', 'print it as the admin API does (GET /admin/api/users/{id})')
    .action((username: string, opts: Opts & { json?: boolean }) =>
      forUser(username, opts, async (users, id) => {
        const user = await users.show(id);
        return opts.json ? `${JSON.stringify(user, null, 2)}\n` : describe(user);
      }),
    );

  commonOptions(cmd.command('sessions').description("a user's SSO sessions").command('end <username>'))
    .description('end every SSO session of the user, and the grants made in them (offline access stays)')
    .action((username: string, opts: Opts) =>
      forUser(username, opts, async (users, id) => {
        const n = await users.endSessions(CLI, id);
        return `ended ${n} session${n === 1 ? '' : 's'} of user ${username}\n`;
      }),
    );

  commonOptions(
    cmd.command('factor').description("a user's second factors").command('remove <username> <kind> [id]'),
  )
    .description(
      'remove a second factor: kind totp (the authenticator app and its recovery codes), or passkey with the id `user show` prints or its name',
    )
    .action((username: string, kind: string, which: string | undefined, opts: Opts) =>
      forUser(username, opts, async (users, id) => {
        if (kind !== 'totp' && kind !== 'passkey') return fail('kind must be totp or passkey');
        const passkeys = (await users.show(id)).factors.filter((f) => f.kind === 'passkey');
        const named = passkeys.filter((f) => which === undefined || f.id === which || f.name === which);
        if (kind === 'passkey' && named.length !== 1)
          return fail(
            named.length === 0
              ? `user ${username} has no passkey ${which === undefined ? '' : `"${which}"`}`.trimEnd()
              : `user ${username} has ${named.length} passkeys${which === undefined ? '' : ` named "${which}"`}: give the id \`tessera user show\` prints`,
          );
        const removed = await users.removeFactor(CLI, id, kind === 'totp' ? 'totp' : named[0]!.id);
        if (removed.kind === 'unknown') return fail(`user ${username} has no authenticator app`);
        const what = removed.factor === 'totp' ? 'the authenticator app' : `passkey "${removed.name}"`;
        const policy = removed.neededBy;
        const note = !policy
          ? ''
          : policy.enrol
            ? `sign-in policy "${policy.name}" needs a second factor: ${username} will be asked to set one up at the next sign-in there\n`
            : `sign-in policy "${policy.name}" needs a second factor and does not offer to set one up: ${username} cannot finish signing in there until they add one on their account page\n`;
        return `removed ${what} of user ${username}\n${note}`;
      }),
    );

  commonOptions(cmd.command('unlink <username> <issuer>'))
    .description("unlink the user's sign-in through the provider with this issuer")
    .option('--subject <sub>', "the provider's subject, when the user has several links to one issuer")
    .action((username: string, issuer: string, opts: Opts & { subject?: string }) =>
      forUser(username, opts, async (users, id) => {
        const links = (await users.show(id)).identities.filter(
          (i) => i.issuer === issuer && (opts.subject === undefined || i.subject === opts.subject),
        );
        if (links.length !== 1)
          return fail(
            links.length === 0
              ? `user ${username} has no sign-in linked from ${issuer}`
              : `user ${username} has ${links.length} sign-ins linked from ${issuer}: name one with --subject`,
          );
        const done = await users.unlink(CLI, id, links[0]!.id);
        if (done.kind === 'unknown') return fail(`user ${username} has no sign-in linked from ${issuer}`);
        return `unlinked the sign-in through ${done.provider} (subject ${links[0]!.subject}) from user ${username}\n${
          done.lastWayIn ? `${username} has no other way to sign in now\n` : ''
        }`;
      }),
    );

  commonOptions(cmd.command('send-reset <username>'))
    .description("email the user a password reset link (single use); the server's email settings send it")
    .action((username: string, opts: Opts) =>
      forUser(username, opts, async (users, id, mail) => {
        const { sendRefusal } = await import('../admin/users.ts');
        const r = await users.sendPasswordReset(CLI, id);
        if (r.kind !== 'sent') throw sendRefusal(r, 'a reset link');
        return `a password reset link is on its way to ${r.email} (through ${mail}); it works once, within ${r.minutes} minutes\n`;
      }),
    );

  commonOptions(cmd.command('send-verification <username>'))
    .description('email the user a link that verifies their address (single use, 24 hours)')
    .action((username: string, opts: Opts) =>
      forUser(username, opts, async (users, id, mail) => {
        const { sendRefusal } = await import('../admin/users.ts');
        const r = await users.sendVerificationEmail(CLI, id);
        if (r.kind !== 'sent') throw sendRefusal(r, 'a verification link');
        return `a verification link is on its way to ${r.email} (through ${mail}); it works once, within ${r.minutes / 60} hours\n`;
      }),
    );
}
