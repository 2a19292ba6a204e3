// Discovery (OIDC Discovery §4, RFC 8414 §3) and the JWKS: public, cacheable, readable from any origin.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { PATHS } from '../../config/endpoints.ts';
import { registrationPolicy } from '../../config/schema-registration.ts';
import { discoveryDocument } from '../../protocol/endpoints/discovery.ts';
import type { AppDeps } from '../context.ts';

const publicJson = (reply: FastifyReply, type: string, text: string) =>
  reply
    .type(type)
    .header('access-control-allow-origin', '*')
    .header('cache-control', 'public, max-age=300')
    .send(text);

/** JSON text rendered once per source object: the documents change only when the config or the keys do. */
function renderedPer<S extends object>(source: () => S, render: (value: S) => unknown): () => string {
  let seen: S | undefined;
  let text = '';
  return () => {
    const current = source();
    if (current !== seen) {
      text = JSON.stringify(render(current));
      seen = current;
    }
    return text;
  };
}

export function metadataRoutes(app: FastifyInstance, deps: AppDeps): void {
  const prefix = deps.endpoints.prefix;
  const discovery = renderedPer(deps.protocol.config, (config) =>
    discoveryDocument(deps.endpoints, config, {
      ...deps.protocol.server,
      // Rendered again for each revision: a commit that turns registration on or off shows here at once.
      registration: deps.registration !== undefined && registrationPolicy(config.snapshot).enabled,
    }),
  );
  const jwks = renderedPer(deps.jwks, (keys) => keys);
  const metadata = (_request: unknown, reply: FastifyReply) =>
    publicJson(reply, 'application/json; charset=utf-8', discovery());
  app.get(prefix + PATHS.discovery, metadata);
  app.get(prefix + PATHS.asMetadata, metadata);
  app.get(`${prefix + PATHS.issuer}/.well-known/oauth-authorization-server`, metadata);
  app.get(prefix + PATHS.jwks, async (_request, reply) => {
    // Right after a first start: wait for the keys still being made rather than publish a partial set.
    await deps.keysSettled().catch(() => undefined);
    return publicJson(reply, 'application/jwk-set+json', jwks());
  });
}
