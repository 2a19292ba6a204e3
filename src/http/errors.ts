// The one place an OAuthError (or any failure) becomes an HTTP response; nothing internal reaches the wire.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { OAuthError } from '../protocol/errors.ts';
import { StoreUnavailableError } from '../store/ports/errors.ts';

/** RFC 6749 §5.2 JSON error body, with the challenges RFC 6749 §5.2 and RFC 6750 §3 require. */
export function sendOAuthError(reply: FastifyReply, error: OAuthError): FastifyReply {
  reply.code(error.status).header('cache-control', 'no-store');
  if (error.code === 'temporarily_unavailable') reply.header('retry-after', '5');
  if (error.code === 'invalid_client' && error.basicChallenge) {
    reply.header('www-authenticate', 'Basic realm="tessera", charset="UTF-8"');
  }
  if (error.code === 'invalid_token' || error.code === 'insufficient_scope') {
    const description = error.description.replace(/["\\]/g, '');
    reply.header(
      'www-authenticate',
      `Bearer realm="tessera", error="${error.code}", error_description="${description}"`,
    );
  }
  return reply.send({ error: error.code, error_description: error.description });
}

/** Fastify's own request failures (body parsing, limits), expressed as the OAuth error a client expects. */
export function toOAuthError(error: FastifyError | Error): OAuthError {
  if (error instanceof OAuthError) return error;
  if (error instanceof StoreUnavailableError) {
    return new OAuthError(
      'temporarily_unavailable',
      'the service is temporarily unavailable; try again shortly',
      {
        detail: error.message,
      },
    );
  }
  const { code, statusCode } = error as FastifyError;
  switch (code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new OAuthError('invalid_request', 'the request body is too large', { status: 413 });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new OAuthError(
        'invalid_request',
        'unsupported content type; send application/x-www-form-urlencoded',
        {
          status: 415,
        },
      );
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new OAuthError('invalid_request', 'the request body could not be read');
    default:
      if (statusCode !== undefined && statusCode >= 400 && statusCode < 500) {
        return new OAuthError('invalid_request', 'the request could not be understood', {
          status: statusCode,
        });
      }
      return new OAuthError('server_error', 'the server failed to process the request', {
        detail: error.message,
      });
  }
}

export function logFailure(request: FastifyRequest, error: OAuthError, cause?: unknown): void {
  if (error.status >= 500) request.log.error({ err: cause ?? error, code: error.code }, 'request failed');
  else request.log.info({ code: error.code, detail: error.detail }, error.description);
}
