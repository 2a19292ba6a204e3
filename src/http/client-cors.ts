// CORS for the endpoints clients call (token, introspection, revocation, PAR, device): committed, registered and metadata-document clients.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { registrationPolicy } from '../config/schema-registration.ts';
import { readBasic } from '../protocol/client-auth/client_secret_basic.ts';
import type { AppDeps } from './context.ts';
import { allowOrigin } from './request.ts';

/** The client_id a request names: the form's client_id, or the Basic user (RFC 6749 §2.3.1). */
function namedClient(request: FastifyRequest): string | undefined {
  const body = request.body as Record<string, unknown> | null | undefined;
  const fromBody = body?.['client_id'];
  if (typeof fromBody === 'string' && fromBody !== '') return fromBody;
  const basic = readBasic(request.headers.authorization);
  return basic && !(basic instanceof Error) ? basic.clientId : undefined;
}

/**
 * Committed clients' origins are known from the live config. A registered client (RFC 7591) or one known
 * by its metadata document is known only once the request names it, so its redirect URIs' origins are
 * checked against the client the request names: a page may read the answer only for its own client.
 * No credentials are ever allowed (no cookie is read here), so the origin is echoed, never `*` with them.
 */
export async function allowClientOrigin(
  request: FastifyRequest,
  reply: FastifyReply,
  deps: AppDeps,
): Promise<void> {
  if (allowOrigin(request, reply, deps.protocol.config())) return;
  const origin = request.headers.origin;
  const clientId = origin === undefined ? undefined : namedClient(request);
  if (origin === undefined || clientId === undefined || deps.protocol.config().clients.has(clientId)) return;
  try {
    const client = await deps.protocol.clients.find(clientId);
    if (client?.corsOrigins.has(origin)) reply.header('access-control-allow-origin', origin);
  } catch {
    // An unreadable client is the endpoint's to refuse; the answer is then simply not readable cross-origin.
  }
}

/** Clients outside the committed config can arrive: registration is on, or metadata documents are read. */
const dynamicClients = (deps: AppDeps) =>
  deps.protocol.server.clientIdMetadataDocuments === true ||
  (deps.registration !== undefined && registrationPolicy(deps.protocol.config().snapshot).enabled);

/**
 * A preflight carries no client_id, so while dynamic clients can exist any origin may send the request;
 * whether it may read the answer is decided on the request itself (allowClientOrigin).
 */
export function clientPreflight(deps: AppDeps) {
  return (request: FastifyRequest, reply: FastifyReply) => {
    const origin = request.headers.origin;
    const allowed =
      allowOrigin(request, reply, deps.protocol.config()) ||
      (origin !== undefined && origin !== 'null' && dynamicClients(deps));
    if (allowed) {
      reply
        .header('access-control-allow-origin', origin)
        .header('access-control-allow-methods', 'POST')
        .header('access-control-allow-headers', 'authorization, content-type, dpop')
        .header('access-control-max-age', '600');
    }
    return reply.code(204).send();
  };
}
