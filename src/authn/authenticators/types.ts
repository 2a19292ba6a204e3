// What every authenticator type declares: its config schema, its role in a policy, its pages, its
// verification, and the acr/amr it establishes.
//
// A type is a first factor (it signs a user in and creates the SSO session: html-form), a second factor
// (it adds a factor to the current session of the signed-in account: totp), or either (passkeys). The
// Authentication Service's continue route (http/routes/authn-continue.ts) runs a policy's steps: it sends
// the browser to the first step's `first` pages, then to each later step's `second` pages, enrolment first
// when the account has no factor of that step and the policy allows enrolling.
import type { ZodType } from 'zod';
import type { AuthenticatorConfig } from '../../config/schema.ts';
import type { Session } from '../../store/ports/index.ts';
import type { AuthnDeps, AuthnLog } from '../deps.ts';
import type { SendOutcome } from '../email/verification.ts';

/** Form values a page shows again (never a secret), by field name. */
export type Values = Record<string, string>;

/** A page of the authenticator, rendered by http/ from the view named here (src/http/views/<view>.eta). */
export interface PageSpec {
  view: string;
  title: string;
  /** The fields the page posts; `secret` ones are never shown again. */
  fields: readonly { name: string; secret?: true; maxLength?: number }[];
}

/** One attempt, as the route saw it. */
export interface Attempt {
  authenticator: AuthenticatorConfig;
  /** The client's address, which the throttle counts failures by. */
  address: string;
  /** The browser's User-Agent header (cut short), kept on the session for the account page. */
  userAgent?: string;
  /** The browser's WebAuthn challenge handle (its passkey/challenges.ts cookie), for passkey ceremonies. */
  challenge?: string;
  /** The reader's languages, best first (ui_locales, Accept-Language), for a message sent on the way. */
  languages?: readonly string[];
  log: AuthnLog;
}

/** A second-factor attempt: made for the account of the current session. */
export interface StepAttempt extends Attempt {
  session: Session;
}

/**
 * The credentials were right but the authenticator needs a verified email address first (html-form
 * require_verified_email): no session yet. `authTime` is when they were proven; `sent` says what became of the link.
 */
export type VerifyEmailOutcome = {
  kind: 'verify-email';
  accountId: string;
  authTime: number;
  sent: SendOutcome;
};

export type LoginOutcome =
  /** Authenticated: a new SSO session, whose cookie value is `token`. */
  | { kind: 'ok'; token: string; accountId: string }
  | VerifyEmailOutcome
  /** Too many failures: try again after `retryAfter` seconds (sent as Retry-After). */
  | { kind: 'throttled'; retryAfter: number; error: string; values: Values }
  /** Not authenticated; `error` says so without saying which part was wrong. */
  | { kind: 'rejected'; error: string; values: Values };

export type RegisterOutcome =
  | { kind: 'ok'; token: string; accountId: string }
  | VerifyEmailOutcome
  | { kind: 'invalid'; errors: Record<string, string>; values: Values };

/** What a second-factor page shows besides its fields (a QR code, a key, recovery codes), for its view. */
export type PageData = Record<string, unknown>;

export type StepOutcome =
  /** The factor is added to the session; `data` is shown once before continuing (new recovery codes). */
  | { kind: 'ok'; data?: PageData }
  | { kind: 'throttled'; retryAfter: number; error: string; data?: PageData }
  | { kind: 'rejected'; error: string; data?: PageData };

/** A login page that is elsewhere (another OpenID Provider): where to send the browser, bound to it by a cookie. */
export interface RedirectLogin {
  /** The name of the cookie that binds the login to the browser; `handle` of an outcome goes in it. */
  cookie: string;
  /** Seconds that cookie lives. */
  cookieLifetime: number;
  /** The URL the browser comes back to (registered at the other end), for the server's base URL. */
  callbackUri(base: string, authenticatorId: string): string;
  start(
    authenticator: AuthenticatorConfig,
    input: { returnTo: string; policy: string; redirectUri: string; loginHint?: string | undefined },
    attempt: Pick<Attempt, 'log'>,
    deps: AuthnDeps,
  ): Promise<
    | { kind: 'redirect'; location: string; handle: string }
    | { kind: 'failed'; reason: string; returnTo?: string; policy?: string }
  >;
}

/** The members a first factor implements: a login page that creates a session, and optional registration. */
export interface FirstFactor {
  pages: { login: PageSpec; register?: PageSpec };
  /**
   * Present when the login happens elsewhere: the login GET sends the browser there instead of showing
   * `pages.login`, and there is no login POST (the type's own routes take the browser's way back).
   */
  redirect?: RedirectLogin;
  /** The login page's first values, from its query (OIDC Core §3.1.2.1 login_hint). */
  prefill(query: Values): Values;
  login(form: Values, attempt: Attempt, deps: AuthnDeps): Promise<LoginOutcome>;
  /** Whether this authenticator lets people create an account now. */
  registrationOpen(config: AuthenticatorConfig): boolean;
  register?(form: Values, attempt: Attempt, deps: AuthnDeps): Promise<RegisterOutcome>;
}

/**
 * The members a second factor implements. Every method is for the account of `attempt.session`; on
 * success the type itself adds its factor to that session (sessions.ts addFactor), so it decides the amr.
 */
export interface SecondFactor {
  pages: { verify: PageSpec; enrol?: PageSpec };
  /** Whether the account has a usable (confirmed) credential of this type. */
  enrolled(accountId: string, config: AuthenticatorConfig, deps: AuthnDeps): Promise<boolean>;
  /** The verify page's data (nothing secret). */
  verifyData?(attempt: StepAttempt, deps: AuthnDeps): Promise<PageData>;
  verify(form: Values, attempt: StepAttempt, deps: AuthnDeps): Promise<StepOutcome>;
  /** Starts (or resumes) enrolment and returns what the enrol page shows; absent: enrolled elsewhere only. */
  startEnrolment?(attempt: StepAttempt, deps: AuthnDeps): Promise<PageData>;
  /** Confirms the enrolment with a first proof; the new credential counts only after this. */
  confirmEnrolment?(form: Values, attempt: StepAttempt, deps: AuthnDeps): Promise<StepOutcome>;
}

interface Common {
  /** The `type` in the config's authenticators list; also the path segment of its pages. */
  type: AuthenticatorConfig['type'];
  /** Its entry in the config schema; the schema lives in config/ (config imports only shared). */
  configSchema: ZodType;
  /** The acr value its sessions carry (OIDC Core §2) and the RFC 8176 §2 amr values it establishes. */
  acr(config: AuthenticatorConfig): string;
  amr: readonly string[];
}

export type AuthenticatorType =
  | (Common & FirstFactor & { role: 'first' })
  | (Common & { role: 'second'; second: SecondFactor })
  | (Common & FirstFactor & { role: 'either'; second: SecondFactor });

export type FirstFactorType = Extract<AuthenticatorType, { role: 'first' | 'either' }>;
export type SecondFactorType = Extract<AuthenticatorType, { role: 'second' | 'either' }>;
