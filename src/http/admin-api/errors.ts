// The one place an admin failure becomes an API response: status, JSON body, every issue listed; nothing internal leaks.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AdminError, type AdminErrorCode } from '../../admin/errors.ts';
import { ConflictError } from '../../store/ports/errors.ts';
import { requestRefusal } from '../errors.ts';

export const STATUS: Record<AdminErrorCode, number> = {
  invalid_request: 400,
  invalid_config: 422,
  not_found: 404,
  duplicate: 409,
  conflict: 409,
  merge_conflict: 409,
  no_changes: 409,
  refused: 409,
  throttled: 429,
  mail_failed: 502,
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
  reply.header('cache-control', 'no-store');
  // Two saves of one draft at once: the store refused the second, nothing of it was written.
  if (error instanceof ConflictError) {
    return reply.code(409).send({
      error: 'conflict',
      error_description:
        'someone else changed this draft at the same time; read it again and retry your edit',
    });
  }
  // Refused at the edge or by Fastify itself (unreadable JSON, a body too large, an unsupported media type).
  const refusal = requestRefusal(error, 'application/json');
  if (refusal) {
    return reply
      .code(refusal.status)
      .send({ error: 'invalid_request', error_description: refusal.description });
  }
  request.log.error({ err: error }, 'admin API request failed');
  return reply
    .code(500)
    .send({ error: 'server_error', error_description: 'the server failed to process the request' });
}
