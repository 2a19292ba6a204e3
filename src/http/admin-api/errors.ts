// The one place an admin failure becomes an API response: status, JSON body, every issue listed; nothing internal leaks.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AdminError, type AdminErrorCode } from '../../admin/errors.ts';

export const STATUS: Record<AdminErrorCode, number> = {
  invalid_request: 400,
  invalid_config: 422,
  not_found: 404,
  duplicate: 409,
  conflict: 409,
  merge_conflict: 409,
  no_changes: 409,
};

export function sendAdminError(reply: FastifyReply, error: AdminError): FastifyReply {
  return reply
    .code(STATUS[error.code])
    .header('cache-control', 'no-store')
    .send({
      error: error.code,
      error_description: error.message,
      ...(error.issues.length > 0 ? { issues: error.issues } : {}),
      ...(error.code === 'conflict' || error.code === 'merge_conflict' ? { current: error.current } : {}),
    });
}

export function apiErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof AdminError) return sendAdminError(reply, error);
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    // Fastify's own refusals: unreadable JSON, a body too large, an unsupported media type.
    return reply.code(status).send({ error: 'invalid_request', error_description: error.message });
  }
  request.log.error({ err: error }, 'admin API request failed');
  return reply
    .code(500)
    .send({ error: 'server_error', error_description: 'the server failed to process the request' });
}
