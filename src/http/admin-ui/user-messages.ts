// What a user page says after an action, in plain words: the action redirects with a code, the page words it.

import type { UserSummary } from '../../admin/users.ts';
import { MESSAGES_PER_ACCOUNT, RESET_LINK_MINUTES } from '../../authn/email/reset.ts';
import { VERIFY_LINK_LIFETIME } from '../../authn/email/verification.ts';
import type { LiveConfig } from '../../config/live.ts';
import type { Form } from './forms.ts';
import { field } from './forms.ts';

export interface Said {
  ok: boolean;
  text: string;
}

/** What the message may use: the account as it is now, the redirect's small values, the live config. */
interface Context {
  user: UserSummary;
  count: number;
  config: LiveConfig;
  query: Form;
}

const sessions = (n: number) => `${n} session${n === 1 ? '' : 's'}`;
const email = (c: Context) => c.user.email ?? 'their address';

/** The policy a removed factor leaves without a second step, looked up by id (never words from the URL). */
function policyNote(c: Context): string {
  const id = field(c.query, 'policy');
  for (const client of c.config.clients.values())
    for (const p of client.policies)
      if (p.id === id && !p.implicit)
        return p.enrol
          ? ` Signing in with “${p.name}” needs a second factor: ${c.user.username} will be asked to set one up at their next sign-in there.`
          : ` Signing in with “${p.name}” needs a second factor and does not offer to set one up: ${c.user.username} cannot finish signing in there until they add one on their account page.`;
  return '';
}

const providerName = (c: Context) => {
  const a = c.config.authenticators.get(field(c.query, 'via'));
  return a?.type === 'oidc' ? a.name : 'another provider';
};

const MESSAGES: Record<string, (c: Context) => Said> = {
  disabled: (c) => ({
    ok: true,
    text: `${c.user.username} is disabled: they cannot sign in${c.count > 0 ? `, and their ${sessions(c.count)} ended` : ''}.`,
  }),
  'already-disabled': (c) => ({
    ok: true,
    text: `Nothing changed: ${c.user.username} was disabled already.`,
  }),
  enabled: (c) => ({ ok: true, text: `${c.user.username} can sign in again.` }),
  'already-enabled': (c) => ({
    ok: true,
    text: `Nothing changed: ${c.user.username} could sign in already.`,
  }),
  'sessions-ended': (c) => ({
    ok: true,
    text:
      c.count > 0
        ? `Ended ${sessions(c.count)}: ${c.user.username} has to sign in again in every browser.`
        : `${c.user.username} had no sessions to end.`,
  }),
  'factor-removed': (c) => ({
    ok: true,
    text: `Removed ${field(c.query, 'factor') === 'totp' ? 'the authenticator app' : 'the passkey'}.${policyNote(c)}`,
  }),
  'factor-unknown': () => ({ ok: false, text: 'That second factor was removed already: nothing changed.' }),
  unlinked: (c) => ({
    ok: true,
    text: `Unlinked the sign-in through ${providerName(c)}.${field(c.query, 'last') === '1' ? ` ${c.user.username} has no other way to sign in now.` : ''}`,
  }),
  'identity-unknown': () => ({ ok: false, text: 'That sign-in was unlinked already: nothing changed.' }),
  'reset-sent': (c) => ({
    ok: true,
    text: `A password reset link is on its way to ${email(c)}. It works once, within ${RESET_LINK_MINUTES} minutes.`,
  }),
  'verify-sent': (c) => ({
    ok: true,
    text: `A verification link is on its way to ${email(c)}. It works once, within ${VERIFY_LINK_LIFETIME / 3600} hours.`,
  }),
  'no-email': (c) => ({
    ok: false,
    text: `${c.user.username} has no email address, so no link can be sent.`,
  }),
  'disabled-no-link': (c) => ({
    ok: false,
    text: `${c.user.username} is disabled: enable the account first, or the link would not work.`,
  }),
  'reset-throttled': (c) => ({
    ok: false,
    text: `${c.user.username} got ${MESSAGES_PER_ACCOUNT} password reset messages within the last hour already: no more is sent for now. Try again later.`,
  }),
  'verify-throttled': () => ({
    ok: false,
    text: 'Too many verification messages were sent within the last hour: none was sent now. Try again later.',
  }),
  'mail-failed': () => ({
    ok: false,
    text: 'The mail server did not take the message, so nothing was sent. Check the server’s email settings (tessera doctor says whether the mail server answers).',
  }),
  'already-verified': (c) => ({ ok: true, text: `${email(c)} is verified already: nothing was sent.` }),
  verified: (c) => ({ ok: true, text: `${email(c)} is marked verified.` }),
  'verified-already': (c) => ({ ok: true, text: `Nothing changed: ${email(c)} was verified already.` }),
};

/** The message a `done` code names; undefined for none or an unknown code. */
export function userMessage(query: Form, user: UserSummary, config: LiveConfig): Said | undefined {
  const done = field(query, 'done');
  const make = Object.hasOwn(MESSAGES, done) ? MESSAGES[done] : undefined;
  const count = Number(field(query, 'n'));
  return make?.({
    user,
    count: Number.isSafeInteger(count) && count > 0 ? count : 0,
    config,
    query,
  });
}
