// What a login through an upstream provider can end in, as typed values; http/ turns each into a page.

/** Why a login through the upstream did not sign anyone in; none of them makes an account or a session. */
export type UpstreamFailure =
  /** The callback came without this browser's login cookie (another browser, cookies blocked, too late). */
  | 'no_login'
  /** The cookie names no login waiting for its callback: already used (a replay), expired, or never made. */
  | 'unknown_login'
  /** The callback's state is not this browser's login: someone else's callback (login CSRF), or a forgery. */
  | 'state_mismatch'
  /** The upstream answered with an error (the person cancelled, or it refused). */
  | 'refused'
  /** The upstream's answer failed a check: its tokens' signature, issuer, audience, nonce, expiry, or its token endpoint said no. */
  | 'rejected'
  /** The upstream could not be reached, or took too long. */
  | 'unavailable'
  /** The authenticator's settings cannot work (no usable client secret). */
  | 'misconfigured'
  /** The linked account is disabled. */
  | 'disabled'
  /** A new account was asked for where this provider makes none. */
  | 'closed'
  /** The upstream identity was linked to another account meanwhile. */
  | 'taken';

/** Where the failed login was headed, when the login was known: the page offers to start it again. */
export interface FailedLogin {
  kind: 'failed';
  reason: UpstreamFailure;
  returnTo?: string;
  policy?: string;
}

export type StartOutcome =
  /** Send the browser to `location`; bind the login to it with `handle` in the cookie. */
  { kind: 'redirect'; location: string; handle: string } | FailedLogin;

export type FinishOutcome =
  /** Signed in: a new SSO session, whose cookie value is `token`. */
  | { kind: 'ok'; token: string; accountId: string; returnTo: string }
  /** An identity not linked yet: the person chooses to create an account or link one (the pending login). */
  | { kind: 'choose' }
  | FailedLogin;
