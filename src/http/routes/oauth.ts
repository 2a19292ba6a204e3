// Token Service routes: authorize, token and userinfo. Each parses, calls one protocol function, renders.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_COOKIE } from '../../authn/sessions.ts';
import { PATHS } from '../../config/endpoints.ts';
import { authorizeEndpoint } from '../../protocol/endpoints/authorize.ts';
import { tokenEndpoint } from '../../protocol/endpoints/token.ts';
import { userinfoEndpoint } from '../../protocol/endpoints/userinfo.ts';
import { OAuthError } from '../../protocol/errors.ts';
import type { RawParams } from '../../protocol/params/parse.ts';
import { type AppDeps, ASSETS_PATH } from '../context.ts';
import { logFailure, sendOAuthError } from '../errors.ts';
import { renderMessage } from '../views.ts';

const mediaType = (request: FastifyRequest) =>
  request.headers['content-type']?.split(';')[0]?.trim().toLowerCase();

function formBody(request: FastifyRequest): RawParams | undefined {
  return mediaType(request) === 'application/x-www-form-urlencoded' ? (request.body as RawParams) : undefined;
}

function methodNotAllowed(allow: string) {
  return (_request: FastifyRequest, reply: FastifyReply) =>
    sendOAuthError(
      reply.header('allow', allow),
      new OAuthError('invalid_request', `use ${allow}`, { status: 405 }),
    );
}

export function oauthRoutes(app: FastifyInstance, deps: AppDeps): void {
  const prefix = deps.endpoints.prefix;
  const assets = prefix + ASSETS_PATH;

  const authorize = async (request: FastifyRequest, reply: FastifyReply) => {
    // OIDC Core §3.1.2.1: GET with a query, or POST with a form body.
    const params = request.method === 'GET' ? (request.query as RawParams) : formBody(request);
    if (!params) {
      const error = new OAuthError('invalid_request', 'a POST authorization request must be form-encoded');
      return renderMessage(
        reply,
        assets,
        {
          title: 'Error',
          heading: 'Bad request',
          message: error.description,
          code: error.code,
          isError: true,
        },
        400,
      );
    }
    const outcome = await authorizeEndpoint(
      { params, sessionToken: request.cookies[SESSION_COOKIE], endpointPath: prefix + PATHS.authorize },
      deps.protocol,
    );
    reply.header('cache-control', 'no-store');
    switch (outcome.kind) {
      case 'error_page':
        logFailure(request, outcome.error);
        return renderMessage(
          reply,
          assets,
          {
            title: 'Error',
            heading: 'This sign-in request cannot be completed',
            message: outcome.error.description,
            code: outcome.error.code,
            isError: true,
          },
          400,
        );
      case 'login':
        return reply.redirect(outcome.location, 303);
      case 'redirect':
        if (outcome.error) logFailure(request, outcome.error);
        return reply.redirect(outcome.location, 303);
    }
  };
  app.get(prefix + PATHS.authorize, authorize);
  app.post(prefix + PATHS.authorize, authorize);

  app.post(prefix + PATHS.token, async (request, reply) => {
    const result = await tokenEndpoint(
      {
        contentType: mediaType(request),
        body: (request.body as RawParams | null) ?? {},
        authorization: request.headers.authorization,
      },
      deps.protocol,
    );
    if (result instanceof OAuthError) {
      logFailure(request, result);
      return sendOAuthError(reply, result);
    }
    return reply.header('cache-control', 'no-store').header('pragma', 'no-cache').send(result);
  });
  app.route({
    method: ['GET', 'PUT', 'DELETE', 'PATCH'],
    url: prefix + PATHS.token,
    handler: methodNotAllowed('POST'),
  });

  const userinfo = async (request: FastifyRequest, reply: FastifyReply) => {
    const body = request.method === 'POST' ? formBody(request) : undefined;
    const result = await userinfoEndpoint(
      { authorization: request.headers.authorization, bodyToken: body?.['access_token'] },
      deps.protocol,
    );
    if (result instanceof OAuthError) {
      logFailure(request, result);
      return sendOAuthError(reply, result);
    }
    return reply.header('cache-control', 'no-store').send(result);
  };
  app.get(prefix + PATHS.userinfo, userinfo);
  app.post(prefix + PATHS.userinfo, userinfo);
}
