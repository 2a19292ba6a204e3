// The one place an OAuthError (or any failure) becomes an HTTP response; nothing internal reaches the wire.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DPOP_ALGS } from '../protocol/dpop/proof.ts';
import { OAuthError, type OAuthErrorCode, type OAuthErrorHint, safeErrorText } from '../protocol/errors.ts';
import { StoreUnavailableError } from '../store/ports/errors.ts';
import { InputRejectedError } from './plugins/input-hygiene.ts';

/** RFC 6749 §5.2, RFC 6750 §3.1: each code's status when no hint says otherwise. */
const CODE_STATUS: Record<OAuthErrorCode, number> = {
  invalid_request: 400,
  invalid_client: 401,
  invalid_grant: 400,
  unauthorized_client: 400,
  unsupported_grant_type: 400,
  unsupported_response_type: 400,
  invalid_scope: 400,
  // RFC 6749 §5.2: 400 at the token endpoint, where RFC 8628 §3.5 answers it; elsewhere it is redirected.
  access_denied: 400,
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
  invalid_target: 400,
  invalid_dpop_proof: 400,
  use_dpop_nonce: 400,
  invalid_request_uri: 400,
  invalid_request_object: 400,
  authorization_pending: 400,
  slow_down: 400,
  expired_token: 400,
  invalid_redirect_uri: 400,
  invalid_client_metadata: 400,
  unmet_authentication_requirements: 400,
};

/** Hints that change the status; a challenge hint only adds a header to the code's status. */
const HINT_STATUS: Record<OAuthErrorHint, number | undefined> = {
  'challenge-basic': undefined,
  'challenge-bearer': undefined,
  'challenge-dpop': undefined,
  'challenge-unauthenticated': 401,
  'body-too-large': 413,
  'unsupported-media-type': 415,
  'method-not-allowed': 405,
  'too-many-requests': 429,
};

/** A request Fastify itself refused with a 4xx of its own choosing; that status is kept. */
class FrameworkRejection extends OAuthError {
  constructor(
    readonly frameworkStatus: number,
    description: string,
  ) {
    super('invalid_request', description);
  }
}

/** A form whose CSRF token is missing or wrong (@fastify/csrf-protection's codes), and what its sender is told. */
export const isCsrfRefusal = (error: unknown): boolean => {
  const code = (error as { code?: string }).code;
  return code === 'FST_CSRF_INVALID_TOKEN' || code === 'FST_CSRF_MISSING_SECRET';
};
export const FORM_EXPIRED = {
  title: 'Form expired',
  heading: 'This form has expired',
  message: 'For your security the form could not be accepted. Go back, reload the page and try again.',
} as const;

/** What a request refused for its input gets, on every surface (OAuth JSON, pages, the admin API). */
export interface Refusal {
  status: number;
  description: string;
}

/**
 * The one table for refusals of bad input: the edge's own (input-hygiene.ts) and Fastify's (body parsing,
 * limits, content types). `bodyType` names what the surface expects, for the 415's description. Undefined
 * for any other failure.
 */
export function requestRefusal(error: unknown, bodyType: string): Refusal | undefined {
  if (error instanceof InputRejectedError) return { status: 400, description: error.description };
  const { code, statusCode } = error as Partial<FastifyError>;
  switch (code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, description: 'the request body is too large' };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, description: `unsupported content type; send ${bodyType}` };
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { status: 400, description: 'the request body could not be read' };
    default:
      if (statusCode !== undefined && statusCode >= 400 && statusCode < 500) {
        return { status: statusCode, description: 'the request could not be understood' };
      }
      return undefined;
  }
}

/** RFC 9449 §7.1, §9: at a protected resource a refused DPoP proof is a 401 with a challenge, not a 400. */
const RESOURCE_STATUS: Partial<Record<OAuthErrorCode, number>> = {
  invalid_dpop_proof: 401,
  use_dpop_nonce: 401,
};

export function statusOf(error: OAuthError): number {
  if (error instanceof FrameworkRejection) return error.frameworkStatus;
  const resource = error.hint === 'challenge-bearer' || error.hint === 'challenge-dpop';
  return (
    (error.hint && HINT_STATUS[error.hint]) ??
    (resource ? RESOURCE_STATUS[error.code] : undefined) ??
    CODE_STATUS[error.code]
  );
}

/** RFC 9449 §7.1: a resource that accepts DPoP names the algorithms it verifies proofs with. */
const DPOP_ALGS_PARAM = `algs="${DPOP_ALGS.join(' ')}"`;

export interface WireError {
  status: number;
  headers: Record<string, string>;
  /** Absent for a request that presented no credentials (RFC 6750 §3.1). */
  body?: { error: OAuthErrorCode; error_description: string };
}

/** RFC 6749 §5.2 JSON error body, with the challenges RFC 6749 §5.2 and RFC 6750 §3 require. */
export function wireError(error: OAuthError): WireError {
  // Defence in depth: the constructor already keeps descriptions in the RFC 6749 §5.2 charset.
  const description = safeErrorText(error.description);
  const headers: Record<string, string> = { 'cache-control': 'no-store' };
  if (error.code === 'temporarily_unavailable') headers['retry-after'] = '5';
  if (error.hint === 'too-many-requests') headers['retry-after'] = '60';
  if (error.hint === 'challenge-basic')
    headers['www-authenticate'] = 'Basic realm="tessera", charset="UTF-8"';
  // RFC 6750 §3, RFC 9449 §7.1: both schemes are offered; the one the client used names the error.
  const named = `error="${error.code}", error_description="${description}"`;
  if (error.hint === 'challenge-bearer') {
    headers['www-authenticate'] =
      `Bearer realm="tessera", ${named}, DPoP realm="tessera", ${DPOP_ALGS_PARAM}`;
  }
  if (error.hint === 'challenge-dpop') {
    headers['www-authenticate'] =
      `DPoP realm="tessera", ${named}, ${DPOP_ALGS_PARAM}, Bearer realm="tessera"`;
  }
  // RFC 6750 §3.1: no credentials, so the challenges carry no error code or other error information.
  if (error.hint === 'challenge-unauthenticated') {
    headers['www-authenticate'] = `Bearer realm="tessera", DPoP realm="tessera", ${DPOP_ALGS_PARAM}`;
    return { status: statusOf(error), headers };
  }
  // RFC 9449 §8.1, §9: the nonce the client's next proof must carry.
  if (error.dpopNonce !== undefined) {
    headers['dpop-nonce'] = error.dpopNonce;
    headers['access-control-expose-headers'] = 'DPoP-Nonce';
  }
  return { status: statusOf(error), headers, body: { error: error.code, error_description: description } };
}

export function sendOAuthError(reply: FastifyReply, error: OAuthError): FastifyReply {
  const wire = wireError(error);
  reply.code(wire.status).headers(wire.headers);
  return wire.body === undefined ? reply.send() : reply.send(wire.body);
}

const REFUSAL_HINT: Record<number, OAuthErrorHint> = { 413: 'body-too-large', 415: 'unsupported-media-type' };

/** Any failure as the OAuth error a client expects: refused input per requestRefusal, else server_error. */
export function toOAuthError(error: FastifyError | Error): OAuthError {
  if (error instanceof OAuthError) return error;
  if (error instanceof StoreUnavailableError) {
    return new OAuthError(
      'temporarily_unavailable',
      'the service is temporarily unavailable; try again shortly',
      { detail: error.message },
    );
  }
  const refusal = requestRefusal(error, 'application/x-www-form-urlencoded');
  if (refusal === undefined) {
    return new OAuthError('server_error', 'the server failed to process the request', {
      detail: error.message,
    });
  }
  const hint = REFUSAL_HINT[refusal.status];
  if (hint) return new OAuthError('invalid_request', refusal.description, { hint });
  return refusal.status === 400
    ? new OAuthError('invalid_request', refusal.description)
    : new FrameworkRejection(refusal.status, refusal.description);
}

export function logFailure(request: FastifyRequest, error: OAuthError, cause?: unknown): void {
  if (statusOf(error) >= 500) request.log.error({ err: cause ?? error, code: error.code }, 'request failed');
  else request.log.info({ code: error.code, detail: error.detail }, error.description);
}
