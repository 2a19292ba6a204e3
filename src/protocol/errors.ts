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
  | 'unsupported_token_type'
  /** RFC 8707 §2: the resource is unknown, not allowed, or malformed. */
  | 'invalid_target'
  /** RFC 9449 §5, §7.1: the DPoP proof is missing where required, or invalid. */
  | 'invalid_dpop_proof'
  /** RFC 9449 §8, §9: the proof must carry the server's nonce. */
  | 'use_dpop_nonce'
  /** RFC 9101 §6.2, RFC 9126 §4: the request_uri is unknown, used, expired or another client's. */
  | 'invalid_request_uri'
  /** RFC 9101 §6.2: the request object is invalid. */
  | 'invalid_request_object'
  /** RFC 8628 §3.5: the user has not decided yet; the device polls again after the interval. */
  | 'authorization_pending'
  /** RFC 8628 §3.5: polled too fast; the interval grows by 5 seconds. */
  | 'slow_down'
  /** RFC 8628 §3.5: the device code expired; the device starts over. */
  | 'expired_token'
  /** RFC 7591 §3.2.2: a redirect URI in the registration is not acceptable. */
  | 'invalid_redirect_uri'
  /** RFC 7591 §3.2.2: a metadata field is invalid (error_description names it). */
  | 'invalid_client_metadata'
  /** OpenID Connect Unmet Authentication Requirements 1.0 §2: the essential acr cannot be met. */
  | 'unmet_authentication_requirements';

/**
 * What the wire needs to know beyond the code; never a status. http/errors.ts maps each one.
 * - `challenge-basic`: the client tried HTTP Basic, so the refusal carries a Basic challenge
 *   (RFC 6749 §5.2: a 401 with WWW-Authenticate matching the scheme the client used).
 * - `challenge-bearer`: refused at a protected resource; a Bearer challenge names the error
 *   (RFC 6750 §3).
 * - `challenge-unauthenticated`: a protected resource called with no credentials at all: the
 *   challenges name no error (RFC 6750 §3.1: no error information when none was presented).
 * - `challenge-dpop`: refused at a protected resource the client called with the DPoP scheme; the
 *   DPoP challenge names the error (RFC 9449 §7.1).
 * - `body-too-large`: the request body is over the size the server reads.
 * - `unsupported-media-type`: the body is of a type the endpoint does not read.
 * - `method-not-allowed`: the endpoint exists but not for this request method.
 */
export type OAuthErrorHint =
  | 'challenge-basic'
  | 'challenge-bearer'
  | 'challenge-dpop'
  | 'challenge-unauthenticated'
  | 'body-too-large'
  | 'unsupported-media-type'
  | 'method-not-allowed'
  /** A rate limit was reached: 429 with Retry-After. */
  | 'too-many-requests';

export interface OAuthErrorOptions {
  /** Log-only detail; never sent to the client. */
  detail?: string;
  hint?: OAuthErrorHint;
  /** RFC 9449 §8, §9: a fresh server nonce for the client's next DPoP proof (the DPoP-Nonce header). */
  dpopNonce?: string;
}

/** RFC 6749 §5.2: error_description and error_uri use only %x20-21 / %x23-5B / %x5D-7E. */
export const ERROR_TEXT_CHARSET = /^[\x20-\x21\x23-\x5B\x5D-\x7E]*$/;

/**
 * Maps every character RFC 6749 §5.2 forbids in error_description to an allowed one, so
 * descriptions that quote user input stay readable: `"` → `'`, `\` → `/`, anything else → `?`.
 */
export function safeErrorText(text: string): string {
  if (ERROR_TEXT_CHARSET.test(text)) return text;
  let safe = '';
  // for..of walks code points, so a surrogate pair becomes one `?`, not two.
  for (const char of text) {
    if (char === '"') safe += "'";
    else if (char === '\\') safe += '/';
    // The section sign the descriptions cite specs with: spelled out rather than lost.
    else if (char === '§') safe += 'section ';
    else if (char === '’') safe += "'";
    else safe += ERROR_TEXT_CHARSET.test(char) ? char : '?';
  }
  return safe;
}

/**
 * A description is a sentence for a developer; one that echoes a huge parameter back (a 20 kB resource or
 * scope) is cut, so an error response never grows with the attacker's input.
 */
export const MAX_DESCRIPTION_LENGTH = 300;

function bounded(text: string): string {
  return text.length <= MAX_DESCRIPTION_LENGTH ? text : `${text.slice(0, MAX_DESCRIPTION_LENGTH - 3)}...`;
}

export class OAuthError extends Error {
  /** Client-safe, human-readable description (error_description), in the RFC 6749 §5.2 charset. */
  readonly description: string;
  readonly detail: string | undefined;
  readonly hint: OAuthErrorHint | undefined;
  readonly dpopNonce: string | undefined;

  constructor(
    readonly code: OAuthErrorCode,
    description: string,
    options: OAuthErrorOptions = {},
  ) {
    const safe = bounded(safeErrorText(description));
    super(`${code}: ${safe}`);
    this.name = 'OAuthError';
    this.description = safe;
    this.detail = options.detail;
    this.hint = options.hint;
    this.dpopNonce = options.dpopNonce;
  }
}
