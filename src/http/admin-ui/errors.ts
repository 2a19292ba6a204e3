// The one place an admin page's failure becomes a response: every known error its status and a message page.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AdminError } from '../../admin/errors.ts';
import { ConflictError, StoreUnavailableError } from '../../store/ports/errors.ts';
import { STATUS } from '../admin-api/errors.ts';
import { FORM_EXPIRED, isCsrfRefusal, requestRefusal } from '../errors.ts';
import { plainPage, type Ui } from './render.ts';

interface Shown {
  status: number;
  title: string;
  heading: string;
  message: string;
}

/** What the admin sees for an error; undefined for an unexpected one (logged, shown as a plain 500). */
function shown(error: unknown): Shown | undefined {
  if (isCsrfRefusal(error)) return { status: 403, ...FORM_EXPIRED };
  // Two saves of one draft at once (two tabs, two admins on one account): the loser lost nothing yet.
  if (error instanceof ConflictError) {
    return {
      status: 409,
      title: 'Draft changed',
      heading: 'Someone else changed this draft',
      message: 'Someone else changed this draft at the same time. Reload the page and make your edit again.',
    };
  }
  if (error instanceof AdminError) {
    return { status: STATUS[error.code], title: 'Error', heading: 'Not done', message: error.message };
  }
  if (error instanceof StoreUnavailableError) {
    return {
      status: 503,
      title: 'Unavailable',
      heading: 'The database is unavailable',
      message: 'Try again in a moment.',
    };
  }
  const refusal = requestRefusal(error, 'the form as the page sends it');
  if (!refusal) return undefined;
  return {
    status: refusal.status,
    title: 'Bad request',
    heading: refusal.status === 413 ? 'Too much to accept' : 'Bad request',
    message: `The request was not accepted: ${refusal.description}.`,
  };
}

export function adminErrorHandler(ui: Ui) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const known = shown(error);
    if (known) request.log.info({ code: error.code, status: known.status }, 'admin request refused');
    else request.log.error({ err: error }, 'admin page failed');
    const { status, ...page } = known ?? {
      status: 500,
      title: 'Error',
      heading: 'Something went wrong',
      message: 'The request failed; see the server log.',
    };
    return plainPage(ui, reply, 'message', { ...page, isError: true }, status);
  };
}
