// Mounts the admin API: bearer-token auth, request validation from the operation table, one error mapping.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { authenticateApiToken } from '../../admin/api-tokens.ts';
import { invalid } from '../../admin/errors.ts';
import type { AdminService } from '../../admin/service.ts';
import type { ConfigIssue } from '../../config/validate.ts';
import { zodIssues } from '../../config/validate.ts';
import type { AppDeps } from '../context.ts';
import { apiErrorHandler } from './errors.ts';
import { OPERATIONS } from './index.ts';
import { openApiDocument } from './openapi.ts';
import type { Operation } from './operation.ts';

export const API_PATH = '/admin/api';

/** Parses one part of the request, adding what is wrong to `issues` under `prefix`. */
function part(
  schema: z.ZodType | undefined,
  value: unknown,
  prefix: string[],
  issues: ConfigIssue[],
): unknown {
  if (!schema) return {};
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  issues.push(...zodIssues(parsed.error, prefix));
  return undefined;
}

const unauthorized = (reply: FastifyReply) =>
  reply
    .code(401)
    .header('www-authenticate', 'Bearer realm="tessera-admin"')
    .header('cache-control', 'no-store')
    .send({ error: 'unauthorized', error_description: 'send an admin API token as Authorization: Bearer' });

export async function adminApi(app: FastifyInstance, deps: AppDeps, service: AdminService): Promise<void> {
  const base = deps.endpoints.prefix + API_PATH;
  // Built on the first request for it: most servers never serve it, and start-up should not pay for it.
  let document: ReturnType<typeof openApiDocument> | undefined;

  await app.register(
    async (api) => {
      api.setErrorHandler(apiErrorHandler);
      // The lowest-priority route under the API prefix: an unknown operation answers JSON, not a page.
      api.route({
        method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
        url: '/*',
        config: { jsonBody: true },
        handler: (request, reply) =>
          reply.code(404).send({
            error: 'not_found',
            error_description: `no operation ${request.method} ${request.url.split('?')[0]}`,
          }),
      });
      api.get('/openapi.json', { config: { jsonBody: true } }, (_request, reply) => {
        document ??= openApiDocument(OPERATIONS, deps.endpoints.base + API_PATH);
        return reply.header('cache-control', 'no-cache').send(document);
      });

      for (const op of OPERATIONS) {
        api.route({
          method: op.method,
          url: op.path.replace(/\{(\w+)\}/g, ':$1'),
          // The body is JSON checked by the operation's schema; the edge checks its text (input-hygiene.ts).
          config: { jsonBody: true, multiline: op.multiline ?? [] },
          handler: (request, reply) => handle(op, request, reply),
        });
      }
    },
    { prefix: base },
  );

  async function handle(op: Operation, request: FastifyRequest, reply: FastifyReply) {
    const header = request.headers.authorization;
    const presented = header?.match(/^Bearer ([!-~]+)$/i)?.[1];
    const token = presented === undefined ? undefined : await authenticateApiToken(deps.admin, presented);
    if (!token) return unauthorized(reply);
    const principal = { ...token, address: request.ip };
    // Every wrong field of path, query and body at once: a client fixes them in one round.
    const issues: ConfigIssue[] = [];
    const params = part(op.params, request.params, ['path'], issues) as Record<string, unknown>;
    const query = part(op.query, request.query, ['query'], issues) as Record<string, unknown>;
    const body = part(op.body, op.body ? request.body : undefined, [], issues);
    if (issues.length > 0) throw invalid(issues);
    const result = await op.handle({ params, query, body, principal, service, endpoints: deps.endpoints });
    reply.code(result.status).header('cache-control', 'no-store');
    return result.body === undefined ? reply.send() : reply.send(result.body);
  }
}
