// What every authenticator type declares: its config schema, its pages, its verification, and the acr/amr it establishes.
import type { ZodType } from 'zod';
import type { AuthenticatorConfig } from '../../config/schema.ts';
import type { AuthnDeps, AuthnLog } from '../deps.ts';

/** Form values a page shows again (never a secret), by field name. */
export type Values = Record<string, string>;

/** A page of the authenticator, rendered by http/ from the view named here (src/http/views/<view>.eta). */
export interface PageSpec {
  view: string;
  title: string;
  /** The fields the page posts; `secret` ones are never shown again. */
  fields: readonly { name: string; secret?: true }[];
}

/** One attempt, as the route saw it. */
export interface Attempt {
  authenticator: AuthenticatorConfig;
  /** The client's address, which the throttle counts failures by. */
  address: string;
  log: AuthnLog;
}

export type LoginOutcome =
  /** Authenticated: a new SSO session, whose cookie value is `token`. */
  | { kind: 'ok'; token: string; accountId: string }
  /** Too many failures: try again after `retryAfter` seconds (sent as Retry-After). */
  | { kind: 'throttled'; retryAfter: number; error: string; values: Values }
  /** Not authenticated; `error` says so without saying which part was wrong. */
  | { kind: 'rejected'; error: string; values: Values };

export type RegisterOutcome =
  | { kind: 'ok'; token: string; accountId: string }
  | { kind: 'invalid'; errors: Record<string, string>; values: Values };

export interface AuthenticatorType {
  /** The `type` in the config's authenticators list; also the path segment of its pages. */
  type: AuthenticatorConfig['type'];
  /** Its entry in the config schema; the schema lives in config/ (config imports only shared). */
  configSchema: ZodType;
  /** The acr value its sessions carry (OIDC Core §2) and the RFC 8176 §2 amr values it establishes. */
  acr(config: AuthenticatorConfig): string;
  amr: readonly string[];
  pages: { login: PageSpec; register?: PageSpec };
  /** The login page's first values, from its query (OIDC Core §3.1.2.1 login_hint). */
  prefill(query: Values): Values;
  login(form: Values, attempt: Attempt, deps: AuthnDeps): Promise<LoginOutcome>;
  /** Whether this authenticator lets people create an account now. */
  registrationOpen(config: AuthenticatorConfig): boolean;
  register?(form: Values, attempt: Attempt, deps: AuthnDeps): Promise<RegisterOutcome>;
}
