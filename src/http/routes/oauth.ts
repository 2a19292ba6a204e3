// Token Service routes: authorize, PAR, token, userinfo, introspection, revocation. Each parses, calls one function, renders.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PATHS } from '../../config/endpoints.ts';
import { authorizeEndpoint } from '../../protocol/endpoints/authorize.ts';
import { deviceAuthorizationEndpoint } from '../../protocol/endpoints/device-authorization.ts';
import { introspectEndpoint } from '../../protocol/endpoints/introspect.ts';
import { parEndpoint } from '../../protocol/endpoints/par.ts';
import { revokeEndpoint } from '../../protocol/endpoints/revoke.ts';
import { tokenEndpoint } from '../../protocol/endpoints/token.ts';
import { userinfoEndpoint } from '../../protocol/endpoints/userinfo.ts';
import { OAuthError } from '../../protocol/errors.ts';
import type { RawParams } from '../../protocol/params/parse.ts';
import type { RequestTrace, TraceRing } from '../../tools/traces.ts';
import { allowClientOrigin, clientPreflight } from '../client-cors.ts';
import { type AppDeps, ASSETS_PATH } from '../context.ts';
import { sendDpopNonce } from '../dpop-nonce.ts';
import { logFailure, sendOAuthError, statusOf } from '../errors.ts';
import { renderMessage } from '../pages.ts';
import { allowOrigin, clientRequest, formBody, preflight, sessionToken } from '../request.ts';
import { finishTrace, startTrace } from '../trace-request.ts';

function methodNotAllowed(allow: string) {
  return (_request: FastifyRequest, reply: FastifyReply) =>
    sendOAuthError(
      reply.header('allow', allow),
      new OAuthError('invalid_request', `use ${allow}`, { hint: 'method-not-allowed' }),
    );
}

/** `traces` keeps each request's checks for the admin's request traces (tools/traces.ts). */
export function oauthRoutes(app: FastifyInstance, deps: AppDeps, traces: TraceRing): void {
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
        requestId: reply.request.id,
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
    const trace = startTrace(traces, request, 'authorize', params);
    const outcome = await authorizeEndpoint(
      { params, sessionToken: sessionToken(request), endpointPath: prefix + PATHS.authorize, trace },
      deps.protocol,
    );
    reply.header('cache-control', 'no-store');
    if (outcome.kind === 'error_page') {
      logFailure(request, outcome.error);
      finishTrace(trace, reply, 400, outcome.error);
      return errorPage(reply, outcome.error);
    }
    if (outcome.kind === 'redirect' && outcome.error) logFailure(request, outcome.error);
    // A login or consent page's return path repeats the request: the trace keeps only where it went.
    const shown = outcome.kind === 'redirect' ? outcome.location : outcome.location.split('?')[0]!;
    finishTrace(trace, reply, 303, outcome.kind === 'redirect' ? outcome.error : undefined, shown);
    return reply.redirect(outcome.location, 303);
  };
  // protocol/authorize/text.ts checks the parameters' text, so a bad one is redirected to a trusted client.
  const authorizeConfig = { config: { textCheckedByProtocol: true } };
  app.get(prefix + PATHS.authorize, authorizeConfig, authorize);
  app.post(prefix + PATHS.authorize, authorizeConfig, authorize);

  /** The JSON endpoints that clients call: same CORS, caching and error handling. */
  const clientEndpoint = (
    path: string,
    handle: (request: FastifyRequest, trace: RequestTrace) => Promise<unknown>,
    options: { status?: number; multiline?: readonly string[] } = {},
  ) => {
    app.post(prefix + path, { config: { multiline: options.multiline ?? [] } }, async (request, reply) => {
      await allowClientOrigin(request, reply, deps);
      sendDpopNonce(reply, deps.protocol);
      const trace = startTrace(
        traces,
        request,
        path.replace(/^.*\/(oauth-)?/, ''),
        request.body as RawParams,
      );
      const result = await handle(request, trace);
      if (result instanceof OAuthError) {
        logFailure(request, result);
        finishTrace(trace, reply, statusOf(result), result);
        return sendOAuthError(reply, result);
      }
      finishTrace(trace, reply, options.status ?? 200);
      reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
      return result === undefined ? reply.code(200).send() : reply.code(options.status ?? 200).send(result);
    });
    app.options(prefix + path, clientPreflight(deps));
    app.route({
      method: ['GET', 'PUT', 'DELETE', 'PATCH'],
      url: prefix + path,
      handler: methodNotAllowed('POST'),
    });
  };
  const traced = (request: FastifyRequest, trace: RequestTrace) => ({ ...clientRequest(request), trace });
  clientEndpoint(PATHS.token, async (request, trace) => {
    const result = await tokenEndpoint(traced(request, trace), deps.protocol);
    if (!(result instanceof OAuthError)) {
      const grantType = (request.body as Record<string, unknown>)['grant_type'];
      deps.metrics.tokensIssued.inc({ grant_type: typeof grantType === 'string' ? grantType : 'unknown' });
    }
    return result;
  });
  clientEndpoint(PATHS.introspect, (request, trace) =>
    introspectEndpoint(traced(request, trace), deps.protocol),
  );
  clientEndpoint(PATHS.revoke, (request, trace) => revokeEndpoint(traced(request, trace), deps.protocol));
  clientEndpoint(PATHS.deviceAuthorization, (request, trace) =>
    deviceAuthorizationEndpoint(traced(request, trace), deps.protocol),
  );
  // RFC 9126 §2.2: 201 Created; the claims parameter is JSON and may span lines, as at authorize.
  clientEndpoint(PATHS.par, (request, trace) => parEndpoint(traced(request, trace), deps.protocol), {
    status: 201,
    multiline: ['claims'],
  });

  const userinfo = async (request: FastifyRequest, reply: FastifyReply) => {
    allowOrigin(request, reply, deps.protocol.config());
    sendDpopNonce(reply, deps.protocol);
    const body = request.method === 'POST' ? formBody(request) : undefined;
    const trace = startTrace(traces, request, 'userinfo', body);
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
      finishTrace(trace, reply, statusOf(result), result);
      return sendOAuthError(reply, result);
    }
    finishTrace(trace, reply, 200);
    reply.header('cache-control', 'no-store');
    if ('jwt' in result) return reply.type('application/jwt').send(result.jwt);
    return reply.send(result.claims);
  };
  app.get(prefix + PATHS.userinfo, userinfo);
  app.post(prefix + PATHS.userinfo, userinfo);
  app.options(prefix + PATHS.userinfo, preflight(deps));
}
