// Builds the Fastify app: plugins, routes of the three services, and the one error handler.
import { randomUUID } from 'node:crypto';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
  LogController,
} from 'fastify';
import { PATHS } from '../config/endpoints.ts';
import { safeErrorText } from '../protocol/errors.ts';
import { TraceRing } from '../tools/traces.ts';
import { type AppDeps, ASSETS_PATH } from './context.ts';
import { FORM_EXPIRED, isCsrfRefusal, logFailure, sendOAuthError, statusOf, toOAuthError } from './errors.ts';
import { renderMessage } from './pages.ts';
import { InputRejectedError, registerInputHygiene } from './plugins/input-hygiene.ts';
import { registerMetrics } from './plugins/metrics.ts';
import { registerSecurityHeaders, securityHeaders } from './plugins/security.ts';
import { readinessProbe } from './readiness.ts';
import { accountRoutes } from './routes/account.ts';
import { adminRoutes } from './routes/admin.ts';
import { authnRoutes } from './routes/authn.ts';
import { authnOidcRoutes } from './routes/authn-oidc.ts';
import { authnPasskeyRoutes } from './routes/authn-passkey.ts';
import { authnStepRoutes } from './routes/authn-steps.ts';
import { consentRoutes } from './routes/consent.ts';
import { deviceRoutes } from './routes/device.ts';
import { emailVerificationRoutes } from './routes/email-verification.ts';
import { logoutRoutes } from './routes/logout.ts';
import { metadataRoutes } from './routes/metadata.ts';
import { oauthRoutes } from './routes/oauth.ts';
import { passwordResetRoutes } from './routes/password-reset.ts';
import { registrationRoutes } from './routes/registration.ts';

export const CSRF_COOKIE = 'tessera_csrf';

/** One log line per request, when it completes (method, path, status, time); the "incoming" line only at debug. */
class OneLinePerRequest extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    request.log.debug({ req: request }, 'incoming request');
  }

  override requestCompleted(error: Error | null, request: FastifyRequest, reply: FastifyReply): void {
    const fields = { req: request, res: reply, responseTime: reply.elapsedTime };
    if (error) reply.log.error({ ...fields, err: error }, 'request errored');
    else reply.log.info(fields, 'request completed');
  }
}
const BODY_LIMIT = 64 * 1024;

export interface AppOptions {
  logger?: FastifyServerOptions['logger'];
  https?: { key: Buffer; cert: Buffer };
}

/** What a client is told when Fastify refuses a request before any route is chosen. */
const frameworkRefusal = (code: string) =>
  code === 'FST_ERR_MAX_PARAM_LENGTH'
    ? 'a path segment is longer than any name Tessera uses'
    : 'the request path is not valid percent-encoding';

export async function buildApp(deps: AppDeps, options: AppOptions = {}): Promise<FastifyInstance> {
  const headers = securityHeaders(deps.secureCookies);
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: BODY_LIMIT,
    // A request id in every log line; taken from the proxy's X-Request-Id when it sends a sane one.
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    logController: new OneLinePerRequest(),
    // A path that is not valid percent-encoding, or a segment over the router's limit, is refused before
    // routing; without this Fastify writes its own JSON (with its FST_ code) past every error handler.
    // No onRequest hook runs for these, so the security headers are set here.
    frameworkErrors: (error, request, reply) =>
      headers(request.raw, reply.raw, () =>
        onError(new InputRejectedError(frameworkRefusal(error.code)), request, reply, isPage(request.url)),
      ),
    ...(options.https ? { https: options.https } : {}),
  }) as unknown as FastifyInstance;

  registerSecurityHeaders(app, headers);
  // Before every route, so each one (the admin's included) inherits the checks.
  registerInputHygiene(app);
  await app.register(formbody, { bodyLimit: BODY_LIMIT });
  await app.register(cookie, { secret: deps.cookieSecret });
  await app.register(csrf, {
    cookieKey: CSRF_COOKIE,
    cookieOpts: {
      path: deps.endpoints.prefix || '/',
      httpOnly: true,
      sameSite: 'strict',
      secure: deps.secureCookies,
      signed: true,
    },
    getToken: (request) =>
      (request.body as Record<string, unknown> | undefined)?.['_csrf'] as string | undefined,
  });

  const htmlPaths = [PATHS.authn, PATHS.authorize, PATHS.logout, PATHS.device].map(
    (p) => deps.endpoints.prefix + p,
  );
  const wantsHtml = (url: string) => htmlPaths.some((p) => url.startsWith(p));
  const assets = deps.endpoints.prefix + ASSETS_PATH;
  const admin = deps.endpoints.prefix + PATHS.admin;
  /** Only a refusal before routing reaches the admin's pages through here; their own handler does the rest. */
  const isPage = (url: string) =>
    wantsHtml(url) || (url.startsWith(admin) && !url.startsWith(`${admin}/api`));

  function onError(
    error: unknown,
    request: FastifyRequest,
    reply: FastifyReply,
    page = wantsHtml(request.url),
  ) {
    if (isCsrfRefusal(error)) {
      request.log.info(
        { code: (error as { code?: string }).code },
        'form rejected: CSRF token missing or invalid',
      );
      return renderMessage(reply, assets, { ...FORM_EXPIRED, isError: true }, 403);
    }
    // RFC 6749 §5.2: input refused at the edge is invalid_request, on a page or as JSON like any other.
    const oauthError = toOAuthError(error as Error);
    logFailure(request, oauthError, error);
    const status = statusOf(oauthError);
    if (page) {
      return renderMessage(
        reply,
        assets,
        {
          title: 'Error',
          heading: status >= 500 ? 'Something went wrong' : 'Bad request',
          message: oauthError.description,
          code: oauthError.code,
          isError: true,
        },
        status,
      );
    }
    return sendOAuthError(reply, oauthError);
  }
  app.setErrorHandler((error, request, reply) => onError(error, request, reply));

  app.setNotFoundHandler((request, reply) => {
    if (wantsHtml(request.url)) {
      return renderMessage(
        reply,
        assets,
        { title: 'Not found', heading: 'Not found', message: 'There is nothing here.', isError: true },
        404,
      );
    }
    return reply.code(404).send({
      error: 'not_found',
      // The path is the client's own text: kept in the RFC 6749 §5.2 charset like every description.
      error_description: safeErrorText(`no endpoint at ${request.method} ${request.url.split('?')[0]}`),
    });
  });

  // Routes are added after setErrorHandler so that every one of them gets it.
  registerMetrics(app, deps.metrics);
  // Request traces, per process: the last 1,000 protocol requests and the checks each ran.
  const traces = new TraceRing(1000);
  oauthRoutes(app, deps, traces);
  metadataRoutes(app, deps);
  if (deps.registration) registrationRoutes(app, deps.endpoints.prefix, deps.registration);
  authnRoutes(app, deps);
  authnStepRoutes(app, deps);
  authnPasskeyRoutes(app, deps);
  authnOidcRoutes(app, deps);
  passwordResetRoutes(app, deps);
  consentRoutes(app, deps);
  deviceRoutes(app, deps);
  emailVerificationRoutes(app, deps);
  accountRoutes(app, deps);
  logoutRoutes(app, deps);
  await adminRoutes(app, deps, traces);

  app.get('/health/live', (_request, reply) => reply.send({ status: 'ok' }));
  const ready = readinessProbe(deps.readiness, app.log);
  app.get('/health/ready', async (_request, reply) => {
    const report = await ready();
    return reply
      .code(report.status === 'ready' ? 200 : 503)
      .header('cache-control', 'no-store')
      .send(report);
  });
  app.get(deps.endpoints.prefix || '/', (_request, reply) =>
    reply.send({ service: 'Tessera', issuer: deps.endpoints.issuer, discovery: deps.endpoints.discovery }),
  );
  return app;
}
