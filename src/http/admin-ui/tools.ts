// The flow explorer (/admin/tools) and request traces (/admin/tools/traces): run a flow, see every check the server ran.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AdminError } from '../../admin/errors.ts';
import { PATHS } from '../../config/endpoints.ts';
import { type ExplorerRun, ExplorerRuns, s256 } from '../../tools/explorer-runs.ts';
import { hintFor } from '../../tools/hints.ts';
import { checkIdToken } from '../../tools/id-token-checks.ts';
import type { TraceRecord, TraceRing } from '../../tools/traces.ts';
import { principalOf, requireAdmin } from './auth.ts';
import { field, formOf, queryOf } from './forms.ts';
import { adminPage, type Ui } from './render.ts';
import { type Caller, type Exchange, getUserinfo, postForm } from './tool-calls.ts';
import { createThrowaway, removeThrowaway } from './tool-throwaway.ts';

/** What the parameters of the compose form may carry to the authorization request, besides the generated ones. */
const COMPOSED = [
  'client_id',
  'redirect_uri',
  'scope',
  'prompt',
  'resource',
  'login_hint',
  'max_age',
  'acr_values',
  'ui_locales',
] as const;

export function toolRoutes(app: FastifyInstance, ui: Ui, traces: TraceRing): void {
  const path = `${ui.base}/tools`;
  const guard = { preHandler: requireAdmin(ui.deps) };
  const guardForm = { preHandler: [requireAdmin(ui.deps), app.csrfProtection] };
  const prefix = ui.deps.endpoints.prefix;
  const callback = `${ui.deps.endpoints.base}${path.slice(prefix.length)}/callback`;
  const config = () => ui.deps.protocol.config();

  /** Removes a run's throwaway client once; resolves to the removal's revision (undefined: it was already gone). */
  const endRun = async (run: ExplorerRun, why: string) => {
    if (!run.throwaway || run.throwaway.removed) return undefined;
    run.throwaway.removed = true;
    try {
      return await removeThrowaway(ui.service, run.admin, run.clientId, why);
    } catch (error) {
      run.throwaway.removed = false;
      throw error;
    }
  };
  /** Nobody waits on a run that expires or a server that stops: a removal that fails is logged. */
  const endQuietly = (run: ExplorerRun, why: string) =>
    endRun(run, why).catch((err: unknown) =>
      app.log.error({ err, client_id: run.clientId }, 'flow explorer: the throwaway client was not removed'),
    );
  const throwawayIds = () =>
    new Set(
      runs
        .live()
        .filter((r) => r.throwaway && !r.throwaway.removed)
        .map((r) => r.clientId),
    );
  const runs = new ExplorerRuns(
    () => ui.deps.protocol.clock.nowSeconds() * 1000,
    (run) => void endQuietly(run, 'its run expired'),
  );
  // A run's throwaway client is removed within a minute of the run's end, even when no other run starts.
  const sweeper = setInterval(() => runs.sweep(), 60_000);
  sweeper.unref();
  app.addHook('onClose', async () => {
    clearInterval(sweeper);
    await Promise.all(runs.live().map((run) => endQuietly(run, 'the server stopped')));
  });

  /** A trace for the page: its steps, the failed one with how to fix it. */
  const shown = (record: TraceRecord) => {
    const failed = record.steps.find((s) => !s.ok);
    return {
      ...record,
      when: new Date(record.at).toISOString(),
      params: Object.entries(record.params),
      headers: Object.entries(record.headers),
      failed: failed && {
        ...failed,
        hint: hintFor({ step: failed, params: record.params, config: config() }),
      },
    };
  };

  /** The clients to pick from: a run's throwaway client is its run's alone. */
  const clients = () =>
    [...config().clients.values()]
      .filter((c) => !throwawayIds().has(c.client_id))
      .map((c) => ({
        id: c.client_id,
        name: c.name,
        public: c.public,
        hasCallback: c.redirect_uris.includes(callback),
      }));

  const page = (
    request: FastifyRequest,
    reply: FastifyReply,
    data: Record<string, unknown> = {},
    status = 200,
  ) =>
    adminPage(
      ui,
      request,
      reply,
      'tools',
      {
        title: 'Flow explorer',
        section: 'tools',
        callback,
        action: `${path}/run`,
        clients: clients(),
        form: {
          scope: 'openid',
          redirect_uri: callback,
          pkce: 'S256',
          nonce: true,
          client_choice: 'existing',
        },
        ...data,
      },
      status,
    );

  app.get(path, guard, (request, reply) => page(request, reply));

  const authorizeUrl = (run: ExplorerRun) => `${prefix}${PATHS.authorize}?${new URLSearchParams(run.params)}`;

  app.post(`${path}/run`, guardForm, async (request, reply) => {
    const form = formOf(request);
    const params: Record<string, string> = { response_type: 'code' };
    for (const name of COMPOSED) {
      const value = field(form, name).trim();
      if (value !== '') params[name] = value;
    }
    const formBack = () => ({
      ...Object.fromEntries(COMPOSED.map((n) => [n, field(form, n)])),
      pkce: field(form, 'pkce'),
      nonce: field(form, 'nonce') !== '',
      client_choice: field(form, 'client_choice'),
    });
    let throwaway: { secret: string; removed: boolean } | undefined;
    if (field(form, 'client_choice') === 'throwaway') {
      params['redirect_uri'] ??= callback;
      try {
        const made = await createThrowaway(ui.service, principalOf(request).username, {
          redirectUri: callback,
          scopes: (params['scope'] ?? 'openid').split(' ').filter((s) => s !== ''),
          apis: params['resource'] === undefined ? [] : [params['resource']],
        });
        params['client_id'] = made.clientId;
        throwaway = { secret: made.secret, removed: false };
      } catch (error) {
        if (!(error instanceof AdminError)) throw error;
        const issues = error.issues.map((i) => `${i.path}: ${i.message}`).join('; ');
        const throwawayError = `The throwaway client could not be created: ${error.message}${issues ? ` (${issues})` : ''}`;
        return page(request, reply, { form: formBack(), throwawayError }, 400);
      }
    }
    const run = runs.start({
      admin: principalOf(request).username,
      clientId: params['client_id'] ?? '',
      redirectUri: params['redirect_uri'] ?? '',
      params: {},
      pkce: field(form, 'pkce') === 'S256',
      nonce: field(form, 'nonce') !== '',
      ...(throwaway ? { throwaway } : {}),
    });
    params['state'] = run.state;
    if (run.nonce !== undefined) params['nonce'] = run.nonce;
    if (run.codeVerifier !== undefined) {
      params['code_challenge'] = s256(run.codeVerifier);
      params['code_challenge_method'] = 'S256';
    }
    Object.assign(run, { params });
    // A dry run first, without the browser's SSO cookie: a request the checks refuse is shown here with
    // its trace, instead of leaving the admin on the error page (or at a redirect URI that is not ours).
    const id = `explorer-${randomUUID().slice(0, 8)}`;
    const dry = await app.inject({ method: 'GET', url: authorizeUrl(run), headers: { 'x-request-id': id } });
    const trace = traces.get(id);
    // prompt=none meets no session in the dry run: only the real run, with the browser's cookie, can tell.
    const failed = trace?.steps.some((s) => !s.ok && s.name !== 'session');
    if (dry.statusCode !== 303 || failed) {
      // The browser is not sent on: the run ends here, and its throwaway client with it.
      const removed = run.throwaway ? await endRun(run, 'its request was refused') : undefined;
      return page(
        request,
        reply,
        {
          form: formBack(),
          ...(run.throwaway ? { finished: { clientId: run.clientId, revision: removed } } : {}),
          sent: authorizeUrl(run),
          traces: trace ? [shown(trace)] : [],
          refused: true,
        },
        400,
      );
    }
    return reply.redirect(authorizeUrl(run), 303);
  });

  /** The authorization requests of a run, oldest first: the first one, then its replays after login and consent. */
  const runTraces = (run: ExplorerRun) =>
    traces
      .find(
        (r) => r.endpoint === 'authorize' && r.params['state'] === run.state && !r.id.startsWith('explorer-'),
      )
      .reverse()
      .map(shown);

  const runFrom = (request: FastifyRequest, state: string) => runs.find(state, principalOf(request).username);

  /** What the page needs of a run: whether to ask for a secret, and the throwaway client still to remove. */
  const runView = (run: ExplorerRun) => {
    const client = config().clients.get(run.clientId);
    return {
      state: run.state,
      needsSecret: client !== undefined && !client.public && run.throwaway === undefined,
      throwaway: run.throwaway && !run.throwaway.removed ? run.clientId : undefined,
    };
  };

  app.post(`${path}/finish`, guardForm, async (request, reply) => {
    const run = runFrom(request, field(formOf(request), 'state'));
    if (!run) return page(request, reply, { lost: true }, 400);
    const revision = await endRun(run, 'its run was finished');
    return page(request, reply, { finished: { clientId: run.clientId, revision } });
  });

  app.get(`${path}/callback`, guard, async (request, reply) => {
    const query = queryOf(request);
    const run = runFrom(request, field(query, 'state'));
    if (!run) return page(request, reply, { lost: true }, 400);
    const code = field(query, 'code');
    return page(request, reply, {
      sent: authorizeUrl(run),
      traces: runTraces(run),
      response: Object.entries(query).map(([k, v]) => [
        k,
        k === 'code' ? `${String(v).slice(0, 6)}…` : String(v),
      ]),
      run: runView(run),
      code: code === '' ? undefined : code,
      error: field(query, 'error') || undefined,
    });
  });

  const caller = (run: ExplorerRun, request: FastifyRequest): Caller => {
    // A throwaway client's secret is the run's own: the admin never sees nor types it.
    const secret = run.throwaway?.secret ?? field(formOf(request), 'client_secret');
    return {
      app,
      idPrefix: `explorer-${run.state.slice(0, 8)}`,
      clientId: run.clientId,
      secret: secret === '' ? undefined : secret,
    };
  };

  /** After a token response: its ID token checked, and the buttons for the next calls. */
  const afterTokens = async (run: ExplorerRun, exchange: Exchange) => {
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(exchange.body) as Record<string, unknown>;
    } catch {}
    const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
    const idToken = str(body['id_token']);
    const idTokenReport = idToken
      ? await checkIdToken({
          idToken,
          accessToken: str(body['access_token']),
          jwks: ui.deps.jwks(),
          issuer: ui.deps.endpoints.issuer,
          clientId: run.clientId,
          nonce: run.nonce,
          nowSeconds: ui.deps.protocol.clock.nowSeconds(),
        })
      : undefined;
    return {
      idToken: idTokenReport && {
        ...idTokenReport,
        header: JSON.stringify(idTokenReport.header, null, 2),
        claims: JSON.stringify(idTokenReport.claims, null, 2),
      },
      tokens: { access_token: str(body['access_token']), refresh_token: str(body['refresh_token']) },
    };
  };

  const withExchanges = async (
    request: FastifyRequest,
    reply: FastifyReply,
    run: ExplorerRun,
    exchanges: Exchange[],
    tokens?: Exchange,
  ) => {
    const after = tokens
      ? await afterTokens(run, tokens)
      : {
          tokens: {
            access_token: field(formOf(request), 'access_token') || undefined,
            refresh_token: field(formOf(request), 'refresh_token') || undefined,
          },
        };
    return page(request, reply, {
      sent: authorizeUrl(run),
      traces: runTraces(run),
      exchanges: exchanges.map((e) => {
        const trace = traces.get(e.requestId);
        return { ...e, trace: trace && shown(trace) };
      }),
      run: runView(run),
      ...after,
    });
  };

  app.post(`${path}/exchange`, guardForm, async (request, reply) => {
    const form = formOf(request);
    const run = runFrom(request, field(form, 'state'));
    if (!run) return page(request, reply, { lost: true }, 400);
    const params: Record<string, string> = {
      grant_type: 'authorization_code',
      code: field(form, 'code'),
      redirect_uri: run.redirectUri,
    };
    if (run.codeVerifier !== undefined) params['code_verifier'] = run.codeVerifier;
    const exchange = await postForm(
      caller(run, request),
      'Token request (authorization_code)',
      prefix + PATHS.token,
      params,
    );
    return withExchanges(request, reply, run, [exchange], exchange);
  });

  app.post(`${path}/call`, guardForm, async (request, reply) => {
    const form = formOf(request);
    const run = runFrom(request, field(form, 'state'));
    if (!run) return page(request, reply, { lost: true }, 400);
    const who = caller(run, request);
    const access = field(form, 'access_token');
    const refresh = field(form, 'refresh_token');
    const action = field(form, 'action');
    if (action === 'refresh') {
      const exchange = await postForm(who, 'Token request (refresh_token)', prefix + PATHS.token, {
        grant_type: 'refresh_token',
        refresh_token: refresh,
      });
      return withExchanges(request, reply, run, [exchange], exchange);
    }
    const exchange =
      action === 'userinfo'
        ? await getUserinfo(who, prefix + PATHS.userinfo, access)
        : action === 'introspect'
          ? await postForm(who, 'Introspection', prefix + PATHS.introspect, { token: access })
          : await postForm(who, 'Revocation', prefix + PATHS.revoke, { token: refresh || access });
    return withExchanges(request, reply, run, [exchange]);
  });

  app.get(`${path}/traces`, guard, (request, reply) => {
    const id = field(queryOf(request), 'id').trim();
    const trace = id === '' ? undefined : traces.get(id);
    const recent = traces
      .find(() => true, 20)
      .map((r) => ({
        id: r.id,
        endpoint: r.endpoint,
        when: new Date(r.at).toISOString(),
        clientId: r.clientId,
        status: r.result?.status,
        error: r.result?.error,
      }));
    return adminPage(
      ui,
      request,
      reply,
      'traces',
      {
        title: 'Request traces',
        section: 'tools',
        id,
        trace: trace && shown(trace),
        notFound: id !== '' && !trace,
        recent,
        capacity: traces.capacity,
      },
      id !== '' && !trace ? 404 : 200,
    );
  });
}
