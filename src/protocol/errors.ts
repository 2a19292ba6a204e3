// OAuthError: the RFC error codes as typed values; http/errors.ts alone decides how they reach the wire.

/** RFC 6749 §4.1.2.1 and §5.2, RFC 6750 §3.1, OIDC Core §3.1.2.6, RFC 7009 §2.2.1. */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'unsupported_response_type'
  | 'invalid_scope'
  | 'access_denied'
  | 'server_error'
  | 'temporarily_unavailable'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'login_required'
  | 'interaction_required'
  | 'consent_required'
  | 'account_selection_required'
  | 'request_not_supported'
  | 'request_uri_not_supported'
  | 'unsupported_token_type';

const DEFAULT_STATUS: Record<OAuthErrorCode, number> = {
  invalid_request: 400,
  invalid_client: 401,
  invalid_grant: 400,
  unauthorized_client: 400,
  unsupported_grant_type: 400,
  unsupported_response_type: 400,
  invalid_scope: 400,
  access_denied: 403,
  server_error: 500,
  temporarily_unavailable: 503,
  invalid_token: 401,
  insufficient_scope: 403,
  login_required: 400,
  interaction_required: 400,
  consent_required: 400,
  account_selection_required: 400,
  request_not_supported: 400,
  request_uri_not_supported: 400,
  unsupported_token_type: 400,
};

export interface OAuthErrorOptions {
  /** Log-only detail; never sent to the client. */
  detail?: string;
  /** Overrides the code's usual HTTP status. */
  status?: number;
  /** The client used HTTP Basic, so a 401 must carry a matching WWW-Authenticate challenge (RFC 6749 §5.2). */
  basicChallenge?: boolean;
}

export class OAuthError extends Error {
  readonly status: number;
  readonly detail: string | undefined;
  readonly basicChallenge: boolean;

  constructor(
    readonly code: OAuthErrorCode,
    /** Client-safe, human-readable description (error_description). */
    readonly description: string,
    options: OAuthErrorOptions = {},
  ) {
    super(`${code}: ${description}`);
    this.name = 'OAuthError';
    this.status = options.status ?? DEFAULT_STATUS[code];
    this.detail = options.detail;
    this.basicChallenge = options.basicChallenge ?? false;
  }
}

export const invalidRequest = (description: string): OAuthError =>
  new OAuthError('invalid_request', description);
