// Discovery (OIDC Discovery §4, RFC 8414 §3) and the JWKS: public, cacheable, readable from any origin.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { PATHS } from '../../config/endpoints.ts';
import { discoveryDocument } from '../../protocol/endpoints/discovery.ts';
import type { AppDeps } from '../context.ts';

const publicJson = (reply: FastifyReply, body: unknown) =>
  reply.header('access-control-allow-origin', '*').header('cache-control', 'public, max-age=300').send(body);

export function metadataRoutes(app: FastifyInstance, deps: AppDeps): void {
  const prefix = deps.endpoints.prefix;
  const metadata = (_request: unknown, reply: FastifyReply) =>
    publicJson(reply, discoveryDocument(deps.endpoints, deps.protocol.config()));
  app.get(prefix + PATHS.discovery, metadata);
  app.get(prefix + PATHS.asMetadata, metadata);
  app.get(`${prefix + PATHS.issuer}/.well-known/oauth-authorization-server`, metadata);
  app.get(prefix + PATHS.jwks, (_request, reply) =>
    publicJson(reply.type('application/jwk-set+json'), deps.jwks()),
  );
}
