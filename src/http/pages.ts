// Server-rendered pages: eta templates with auto-escaping, served as HTML that is never cached.
import { Eta } from 'eta';
import type { FastifyReply } from 'fastify';
import { sourceAsset } from '../shared/paths.ts';

const eta = new Eta({
  views: sourceAsset('http', 'views'),
  autoEscape: true,
  cache: true,
});

export function renderPage(
  reply: FastifyReply,
  view: string,
  data: Record<string, unknown>,
  status = 200,
): FastifyReply {
  return reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(eta.render(`./${view}`, data));
}

export function renderMessage(
  reply: FastifyReply,
  assets: string,
  page: {
    title: string;
    heading: string;
    message: string;
    code?: string;
    requestId?: string;
    isError?: boolean;
    /** A way on from the page ("Try again"), shown as a button under the message. */
    link?: { href: string; label: string } | undefined;
  },
  status = 200,
): FastifyReply {
  return renderPage(
    reply,
    'message',
    { assets, code: undefined, requestId: undefined, isError: false, link: undefined, ...page },
    status,
  );
}
