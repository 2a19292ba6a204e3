// What a person reads when a login through another provider ends without signing them in: plain words per
// reason, a status that fits (4xx for the browser's side, 502 for the provider's), and a way to start again.
import type { FastifyReply } from 'fastify';
import type { UpstreamFailure } from '../authn/authenticators/oidc/outcomes.ts';
import { PATHS } from '../config/endpoints.ts';
import type { AuthenticatorConfig } from '../config/schema.ts';
import { type AppDeps, ASSETS_PATH } from './context.ts';
import { renderMessage } from './pages.ts';

const PAGES: Record<
  UpstreamFailure,
  { status: number; heading: string; message: (provider: string) => string }
> = {
  no_login: {
    status: 400,
    heading: 'Sign-in could not be finished',
    message: (p) =>
      `This browser has no sign-in with ${p} waiting to be finished. It may have taken too long, or this browser may block cookies. Start again from the application you were signing in to.`,
  },
  unknown_login: {
    status: 400,
    heading: 'Sign-in could not be finished',
    message: () =>
      'This sign-in was already finished, or it has expired. Start again from the application you were signing in to.',
  },
  state_mismatch: {
    status: 400,
    heading: 'Sign-in could not be finished',
    message: (p) =>
      `This answer from ${p} does not belong to the sign-in started in this browser, so it was not used. Start again from the application you were signing in to.`,
  },
  refused: {
    status: 400,
    heading: 'Sign-in was cancelled',
    message: (p) => `Signing in at ${p} was cancelled or refused, so you are not signed in.`,
  },
  rejected: {
    status: 502,
    heading: 'Sign-in could not be checked',
    message: (p) =>
      `The answer from ${p} did not pass Tessera's checks, so you are not signed in. Try again; if it keeps happening, tell an administrator.`,
  },
  unavailable: {
    status: 502,
    heading: `Sign-in is not available right now`,
    message: (p) => `${p} could not be reached. Try again in a moment.`,
  },
  misconfigured: {
    status: 502,
    heading: 'Sign-in is not available',
    message: (p) => `Signing in with ${p} is not set up correctly here. Tell an administrator.`,
  },
  disabled: {
    status: 403,
    heading: 'Your account is disabled',
    message: () => 'Your account cannot be used to sign in. Ask an administrator for help.',
  },
  closed: {
    status: 403,
    heading: 'No new accounts',
    message: (p) =>
      `Accounts are not made here for people signing in with ${p}. Link an account you already have, or ask an administrator.`,
  },
  taken: {
    status: 409,
    heading: 'Already linked',
    message: (p) => `This ${p} account is already linked to another account here.`,
  },
};

/** A "Sign in with <name>" button for each provider among `ids`, straight to it, towards `returnTo`. */
export function providerButtons(
  deps: AppDeps,
  ids: readonly string[],
  returnTo: string,
  policy: string,
): { name: string; url: string }[] {
  const authenticators = deps.authn.config().authenticators;
  return ids.flatMap((id) => {
    const a = authenticators.get(id);
    if (a?.type !== 'oidc') return [];
    const query = new URLSearchParams({ return_to: returnTo, policy });
    return [
      {
        name: a.name,
        url: `${deps.endpoints.prefix}${PATHS.authn}/authenticate/oidc/${encodeURIComponent(id)}?${query}`,
      },
    ];
  });
}

/** The provider as the page names it: its configured name. */
export const providerName = (a: AuthenticatorConfig): string => (a.type === 'oidc' ? a.name : a.id);

/** Where "Try again" leads: the policy's first step (or this provider) towards the same place as before. */
export function retryUrl(deps: AppDeps, a: AuthenticatorConfig, returnTo: string, policy: string): string {
  const base = `${deps.endpoints.prefix}${PATHS.authn}`;
  if (policy !== '' && deps.authn.config().policies.has(policy))
    return `${base}/continue?${new URLSearchParams({ policy, return_to: returnTo, fresh: '1' })}`;
  return `${base}/authenticate/${a.type}/${encodeURIComponent(a.id)}?${new URLSearchParams({ return_to: returnTo })}`;
}

export function renderUpstreamFailure(
  reply: FastifyReply,
  deps: AppDeps,
  a: AuthenticatorConfig,
  failure: { reason: string; returnTo?: string | undefined; policy?: string | undefined },
): FastifyReply {
  const page = Object.hasOwn(PAGES, failure.reason)
    ? PAGES[failure.reason as UpstreamFailure]
    : PAGES.rejected;
  // Without the login (no cookie, a used one) its destination is unknown: the account page is somewhere to go.
  const known = failure.returnTo !== undefined;
  const link = known
    ? { href: retryUrl(deps, a, failure.returnTo ?? '', failure.policy ?? ''), label: 'Try again' }
    : {
        href: retryUrl(deps, a, `${deps.endpoints.prefix}${PATHS.authn}/account`, ''),
        label: `Sign in with ${providerName(a)}`,
      };
  return renderMessage(
    reply,
    deps.endpoints.prefix + ASSETS_PATH,
    {
      title: page.heading,
      heading: page.heading,
      message: page.message(providerName(a)),
      isError: true,
      ...(failure.reason === 'disabled' || failure.reason === 'taken' ? {} : { link }),
    },
    page.status,
  );
}
