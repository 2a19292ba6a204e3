// Token Service routes: authorize, PAR, token, userinfo, introspection, revocation. Each parses, calls one function, renders.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PATHS } from '../../config/endpoints.ts';
import { authorizeEndpoint } from '../../protocol/endpoints/authorize.ts';
import { introspectEndpoint } from '../../protocol/endpoints/introspect.ts';
import { parEndpoint } from '../../protocol/endpoints/par.ts';
import { revokeEndpoint } from '../../protocol/endpoints/revoke.ts';
import { tokenEndpoint } from '../../protocol/endpoints/token.ts';
import { userinfoEndpoint } from '../../protocol/endpoints/userinfo.ts';
import { OAuthError } from '../../protocol/errors.ts';
import type { RawParams } from '../../protocol/params/parse.ts';
import { type AppDeps, ASSETS_PATH } from '../context.ts';
import { sendDpopNonce } from '../dpop-nonce.ts';
import { logFailure, sendOAuthError } from '../errors.ts';
import { renderMessage } from '../pages.ts';
import { allowOrigin, clientRequest, formBody, preflight, sessionToken } from '../request.ts';

function methodNotAllowed(allow: string) {
  return (_request: FastifyRequest, reply: FastifyReply) =>
    sendOAuthError(
      reply.header('allow', allow),
      new OAuthError('invalid_request', `use ${allow}`, { hint: 'method-not-allowed' }),
    );
}

export function oauthRoutes(app: FastifyInstance, deps: AppDeps): void {
  const prefix = deps.endpoints.prefix;
  const assets = prefix + ASSETS_PATH;
  const errorPage = (reply: FastifyReply, error: OAuthError) =>
    renderMessage(
      reply,
      assets,
      {
        title: 'Error',
        heading: 'This sign-in request cannot be completed',
        message: error.description,
        code: error.code,
        isError: true,
      },
      400,
    );

  const authorize = async (request: FastifyRequest, reply: FastifyReply) => {
    // OIDC Core §3.1.2.1: GET with a query, or POST with a form body.
    const params = request.method === 'GET' ? (request.query as RawParams) : formBody(request);
    if (!params)
      return errorPage(
        reply,
        new OAuthError('invalid_request', 'a POST authorization request must be form-encoded'),
      );
    const outcome = await authorizeEndpoint(
      { params, sessionToken: sessionToken(request), endpointPath: prefix + PATHS.authorize },
      deps.protocol,
    );
    reply.header('cache-control', 'no-store');
    if (outcome.kind === 'error_page') {
      logFailure(request, outcome.error);
      return errorPage(reply, outcome.error);
    }
    if (outcome.kind === 'redirect' && outcome.error) logFailure(request, outcome.error);
    return reply.redirect(outcome.location, 303);
  };
  // protocol/authorize/text.ts checks the parameters' text, so a bad one is redirected to a trusted client.
  const authorizeConfig = { config: { textCheckedByProtocol: true } };
  app.get(prefix + PATHS.authorize, authorizeConfig, authorize);
  app.post(prefix + PATHS.authorize, authorizeConfig, authorize);

  /** The JSON endpoints that clients call: same CORS, caching and error handling. */
  const clientEndpoint = (
    path: string,
    handle: (request: FastifyRequest) => Promise<unknown>,
    options: { status?: number; multiline?: readonly string[] } = {},
  ) => {
    app.post(prefix + path, { config: { multiline: options.multiline ?? [] } }, async (request, reply) => {
      allowOrigin(request, reply, deps.protocol.config());
      sendDpopNonce(reply, deps.protocol);
      const result = await handle(request);
      if (result instanceof OAuthError) {
        logFailure(request, result);
        return sendOAuthError(reply, result);
      }
      reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
      return result === undefined ? reply.code(200).send() : reply.code(options.status ?? 200).send(result);
    });
    app.options(prefix + path, preflight(deps));
    app.route({
      method: ['GET', 'PUT', 'DELETE', 'PATCH'],
      url: prefix + path,
      handler: methodNotAllowed('POST'),
    });
  };
  clientEndpoint(PATHS.token, async (request) => {
    const result = await tokenEndpoint(clientRequest(request), deps.protocol);
    if (!(result instanceof OAuthError)) {
      const grantType = (request.body as Record<string, unknown>)['grant_type'];
      deps.metrics.tokensIssued.inc({ grant_type: typeof grantType === 'string' ? grantType : 'unknown' });
    }
    return result;
  });
  clientEndpoint(PATHS.introspect, (request) => introspectEndpoint(clientRequest(request), deps.protocol));
  clientEndpoint(PATHS.revoke, (request) => revokeEndpoint(clientRequest(request), deps.protocol));
  // RFC 9126 §2.2: 201 Created; the claims parameter is JSON and may span lines, as at authorize.
  clientEndpoint(PATHS.par, (request) => parEndpoint(clientRequest(request), deps.protocol), {
    status: 201,
    multiline: ['claims'],
  });

  const userinfo = async (request: FastifyRequest, reply: FastifyReply) => {
    allowOrigin(request, reply, deps.protocol.config());
    sendDpopNonce(reply, deps.protocol);
    const body = request.method === 'POST' ? formBody(request) : undefined;
    const result = await userinfoEndpoint(
      {
        authorization: request.headers.authorization,
        bodyToken: body?.['access_token'],
        dpop: { header: request.headers['dpop'], method: request.method },
      },
      deps.protocol,
    );
    if (result instanceof OAuthError) {
      logFailure(request, result);
      return sendOAuthError(reply, result);
    }
    reply.header('cache-control', 'no-store');
    if ('jwt' in result) return reply.type('application/jwt').send(result.jwt);
    return reply.send(result.claims);
  };
  app.get(prefix + PATHS.userinfo, userinfo);
  app.post(prefix + PATHS.userinfo, userinfo);
  app.options(prefix + PATHS.userinfo, preflight(deps));
}
