// The one place an OAuthError (or any failure) becomes an HTTP response; nothing internal reaches the wire.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { OAuthError, type OAuthErrorCode, type OAuthErrorHint, safeErrorText } from '../protocol/errors.ts';
import { StoreUnavailableError } from '../store/ports/errors.ts';

/** RFC 6749 §5.2, RFC 6750 §3.1: each code's status when no hint says otherwise. */
const CODE_STATUS: Record<OAuthErrorCode, number> = {
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

/** Hints that change the status; a challenge hint only adds a header to the code's status. */
const HINT_STATUS: Record<OAuthErrorHint, number | undefined> = {
  'challenge-basic': undefined,
  'challenge-bearer': undefined,
  'body-too-large': 413,
  'unsupported-media-type': 415,
  'method-not-allowed': 405,
};

/** A request Fastify itself refused with a 4xx of its own choosing; that status is kept. */
class FrameworkRejection extends OAuthError {
  constructor(readonly frameworkStatus: number) {
    super('invalid_request', 'the request could not be understood');
  }
}

export function statusOf(error: OAuthError): number {
  if (error instanceof FrameworkRejection) return error.frameworkStatus;
  return (error.hint && HINT_STATUS[error.hint]) ?? CODE_STATUS[error.code];
}

export interface WireError {
  status: number;
  headers: Record<string, string>;
  body: { error: OAuthErrorCode; error_description: string };
}

/** RFC 6749 §5.2 JSON error body, with the challenges RFC 6749 §5.2 and RFC 6750 §3 require. */
export function wireError(error: OAuthError): WireError {
  // Defence in depth: the constructor already keeps descriptions in the RFC 6749 §5.2 charset.
  const description = safeErrorText(error.description);
  const headers: Record<string, string> = { 'cache-control': 'no-store' };
  if (error.code === 'temporarily_unavailable') headers['retry-after'] = '5';
  if (error.hint === 'challenge-basic')
    headers['www-authenticate'] = 'Basic realm="tessera", charset="UTF-8"';
  if (error.hint === 'challenge-bearer') {
    headers['www-authenticate'] =
      `Bearer realm="tessera", error="${error.code}", error_description="${description}"`;
  }
  return { status: statusOf(error), headers, body: { error: error.code, error_description: description } };
}

export function sendOAuthError(reply: FastifyReply, error: OAuthError): FastifyReply {
  const wire = wireError(error);
  return reply.code(wire.status).headers(wire.headers).send(wire.body);
}

/** Fastify's own request failures (body parsing, limits), expressed as the OAuth error a client expects. */
export function toOAuthError(error: FastifyError | Error): OAuthError {
  if (error instanceof OAuthError) return error;
  if (error instanceof StoreUnavailableError) {
    return new OAuthError(
      'temporarily_unavailable',
      'the service is temporarily unavailable; try again shortly',
      { detail: error.message },
    );
  }
  const { code, statusCode } = error as FastifyError;
  switch (code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new OAuthError('invalid_request', 'the request body is too large', { hint: 'body-too-large' });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new OAuthError(
        'invalid_request',
        'unsupported content type; send application/x-www-form-urlencoded',
        { hint: 'unsupported-media-type' },
      );
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new OAuthError('invalid_request', 'the request body could not be read');
    default:
      if (statusCode !== undefined && statusCode >= 400 && statusCode < 500) {
        return new FrameworkRejection(statusCode);
      }
      return new OAuthError('server_error', 'the server failed to process the request', {
        detail: error.message,
      });
  }
}

export function logFailure(request: FastifyRequest, error: OAuthError, cause?: unknown): void {
  if (statusOf(error) >= 500) request.log.error({ err: cause ?? error, code: error.code }, 'request failed');
  else request.log.info({ code: error.code, detail: error.detail }, error.description);
}
