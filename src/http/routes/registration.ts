// Dynamic client registration routes (RFC 7591 §3, RFC 7592 §2): parse, call one function, render.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PATHS } from '../../config/endpoints.ts';
import { OAuthError } from '../../protocol/errors.ts';
import type { RegistrationDeps } from '../../protocol/registration/deps.ts';
import {
  deleteClient,
  readClient,
  registerClient,
  updateClient,
} from '../../protocol/registration/register.ts';
import { logFailure, sendOAuthError, statusOf, toOAuthError } from '../errors.ts';
import { mediaType } from '../request.ts';

/** RFC 7591 §3.2.2: metadata that cannot be read is invalid_client_metadata; size and type keep their status. */
function asRegistrationError(error: unknown): OAuthError {
  const oauth = toOAuthError(error as Error);
  if (oauth.code !== 'invalid_request' || statusOf(oauth) !== 400) return oauth;
  return new OAuthError('invalid_client_metadata', oauth.description);
}

export function registrationRoutes(app: FastifyInstance, prefix: string, deps: RegistrationDeps): void {
  const path = prefix + PATHS.registration;
  const reply = (request: FastifyRequest, res: FastifyReply, result: unknown, status: number) => {
    // Browser-based clients (an MCP inspector page) register too; no cookie is ever read here, only Bearer tokens.
    res.header('access-control-allow-origin', '*');
    res.header('cache-control', 'no-store').header('pragma', 'no-cache');
    if (result instanceof OAuthError) {
      logFailure(request, result);
      return sendOAuthError(res, result);
    }
    return result === undefined ? res.code(204).send() : res.code(status).send(result);
  };
  const json = (request: FastifyRequest) =>
    mediaType(request) === 'application/json'
      ? undefined
      : new OAuthError('invalid_client_metadata', 'send the client metadata as application/json');
  const input = (request: FastifyRequest) => ({
    body: request.body,
    authorization: request.headers.authorization,
    address: request.ip,
  });
  const route = { config: { jsonBody: true } };

  app.register(async (scope) => {
    // While the committed policy has registration off, the endpoints do not exist (RFC 8414 §2 names none).
    scope.addHook('onRequest', async (_request, res) => {
      if (!deps.policy().enabled) return res.callNotFound();
      return undefined;
    });
    scope.setErrorHandler((error, request, res) => {
      const refused = asRegistrationError(error);
      logFailure(request, refused, error);
      return sendOAuthError(res.header('cache-control', 'no-store'), refused);
    });
    scope.post(path, route, async (request, res) =>
      reply(request, res, json(request) ?? (await registerClient(input(request), deps)), 201),
    );
    const clientPath = `${path}/:clientId`;
    const preflight = (_request: FastifyRequest, res: FastifyReply) =>
      res
        .header('access-control-allow-origin', '*')
        .header('access-control-allow-methods', 'GET, POST, PUT, DELETE')
        .header('access-control-allow-headers', 'authorization, content-type')
        .header('access-control-max-age', '600')
        .code(204)
        .send();
    scope.options(path, preflight);
    scope.options(clientPath, preflight);
    const id = (request: FastifyRequest) => (request.params as { clientId: string }).clientId;
    scope.get(clientPath, async (request, res) =>
      reply(request, res, await readClient(id(request), request.headers.authorization, deps), 200),
    );
    scope.put(clientPath, route, async (request, res) =>
      reply(request, res, json(request) ?? (await updateClient(id(request), input(request), deps)), 200),
    );
    scope.delete(clientPath, async (request, res) =>
      reply(request, res, await deleteClient(id(request), input(request), deps), 204),
    );
  });
}
