// The authorization request as the pipeline builds it up, check by check.
import type { Client, LiveConfig } from '../../config/live.ts';
import type { Policy } from '../../config/policies.ts';
import type { OAuthError } from '../errors.ts';
import type { Params } from '../params/parse.ts';

/** RFC 6749 §4.1.1, RFC 7636 §4.3, OIDC Core §3.1.2.1 parameters this server reads; others are ignored. */
export const AUTHORIZE_PARAMS = [
  'response_type',
  'client_id',
  'redirect_uri',
  'scope',
  'state',
  'nonce',
  'code_challenge',
  'code_challenge_method',
  'prompt',
  'response_mode',
  'max_age',
  'id_token_hint',
  'login_hint',
  'acr_values',
  'claims',
  'ui_locales',
  'display',
  'request',
  'request_uri',
  'dpop_jkt',
] as const;

/** RFC 8707 §2: resource may be sent more than once (one per API); read apart from AUTHORIZE_PARAMS. */
export const MULTI_VALUED_PARAMS = ['resource'] as const;

export type AuthorizeParam = (typeof AUTHORIZE_PARAMS)[number];

export interface AuthorizationRequest {
  client: Client;
  /** Where the response goes: the sent redirect_uri, or the client's only registered one. */
  redirectUri: string;
  /** Whether redirect_uri was in the request; the token request must then repeat it (RFC 6749 §4.1.3). */
  redirectUriSent: boolean;
  scope: string[];
  state: string | undefined;
  nonce: string | undefined;
  codeChallenge: string | undefined;
  codeChallengeMethod: 'S256' | 'plain' | undefined;
  prompt: ReadonlySet<string>;
  /** OIDC Core §3.1.2.1: seconds since the last active authentication beyond which a new login is needed. */
  maxAge: number | undefined;
  idTokenHint: string | undefined;
  loginHint: string | undefined;
  /** The claims request parameter (OIDC Core §5.5), re-serialised after validation. */
  claims: string | undefined;
  /** RFC 8707: the APIs the client asked access for, each a configured API the client may use. */
  resources: readonly string[];
  /** RFC 9449 §10: the DPoP key thumbprint the code is bound to (dpop_jkt, or the PAR request's proof). */
  dpopJkt: string | undefined;
  /** The authentication policy chosen by acr_values or an essential acr claim (authorize/acr.ts). */
  policy: Policy;
}

/** What each check reads and fills in. */
export interface CheckContext {
  params: Params<AuthorizeParam>;
  repeated: readonly AuthorizeParam[];
  /** Every value of each multi-valued parameter (resource), empty ones dropped. */
  multi: Readonly<Record<(typeof MULTI_VALUED_PARAMS)[number], readonly string[]>>;
  config: LiveConfig;
  /** The client client_id names, looked up before the (synchronous) checks run: see resolveClientFor. */
  client: Client | undefined;
  request: Partial<AuthorizationRequest>;
}

export interface AuthorizeCheck {
  name: string;
  /** The RFC or OpenID section the check enforces, shown in request traces. */
  section: string;
  /** Errors from checks before the redirect URI is trusted are shown on a page, never redirected. */
  redirectable: boolean;
  run(ctx: CheckContext): OAuthError | undefined;
}
