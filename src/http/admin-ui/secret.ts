// The page that shows a new client secret, the one time it is ever shown.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { adminPage, type Ui } from './render.ts';

export function showSecret(
  ui: Ui,
  request: FastifyRequest,
  reply: FastifyReply,
  data: {
    clientId: string;
    /** A generated secret to show; undefined when the admin typed it in (it is not echoed back). */
    secret: string | undefined;
    reason: 'created' | 'reset' | 'confidential';
    /** How the client authenticates: client_secret_jwt keeps its secret sealed, private_key_jwt has none. */
    method: string;
  },
): Promise<FastifyReply> {
  return adminPage(ui, request, reply, 'secret', {
    title: `Secret of ${data.clientId}`,
    section: 'clients',
    ...data,
    clientHref: `${ui.base}/clients/${encodeURIComponent(data.clientId)}`,
  });
}
