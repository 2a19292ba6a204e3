// The flow explorer (/admin/tools): run a flow, see every check the server ran (request traces: tool-traces.ts).
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AdminError } from '../../admin/errors.ts';
import { PATHS } from '../../config/endpoints.ts';
import { type ExplorerRun, ExplorerRuns, s256 } from '../../tools/explorer-runs.ts';
import { checkIdToken } from '../../tools/id-token-checks.ts';
import type { TraceRecord, TraceRing } from '../../tools/traces.ts';
import { principalOf, requireAdmin } from './auth.ts';
import { checked, field, formOf, queryOf } from './forms.ts';
import { adminPage, type Ui } from './render.ts';
import { type Caller, type Exchange, getUserinfo, postForm } from './tool-calls.ts';
import { pushRequest, readCompose } from './tool-compose.ts';
import { createThrowaway, removeThrowaway } from './tool-throwaway.ts';
import { shownTrace, traceRoutes } from './tool-traces.ts';

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

  const shown = (record: TraceRecord) => shownTrace(record, config());

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

  const authorizeUrl = (run: ExplorerRun) =>
    `${prefix}${PATHS.authorize}?${new URLSearchParams(run.sentParams ?? run.params)}`;
  /** What a page shows of the request sent: the URL, and the PAR request before it, with its checks. */
  const sentOf = (run: ExplorerRun) => {
    const trace = run.pushed && traces.get(run.pushed.requestId);
    return {
      sent: authorizeUrl(run),
      ...(run.pushed ? { pushed: { ...run.pushed, trace: trace && shown(trace) } } : {}),
    };
  };

  app.post(`${path}/run`, guardForm, async (request, reply) => {
    const form = formOf(request);
    const { params, back, error: composeError } = readCompose(form);
    const formBack = () => back;
    if (composeError) return page(request, reply, { form: back, composeError }, 400);
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
      nonce: checked(form, 'nonce'),
      ...(throwaway ? { throwaway } : {}),
    });
    params['state'] = run.state;
    if (run.nonce !== undefined) params['nonce'] = run.nonce;
    if (run.codeVerifier !== undefined) {
      params['code_challenge'] = s256(run.codeVerifier);
      params['code_challenge_method'] = 'S256';
    }
    Object.assign(run, { params });
    /** The run ends here, its throwaway client with it: the page shows why, the browser is not sent on. */
    const refuse = async (traceList: TraceRecord[]) => {
      const removed = run.throwaway ? await endRun(run, 'its request was refused') : undefined;
      return page(
        request,
        reply,
        {
          form: formBack(),
          ...(run.throwaway ? { finished: { clientId: run.clientId, revision: removed } } : {}),
          ...sentOf(run),
          traces: traceList.map(shown),
          refused: true,
        },
        400,
      );
    };
    if (checked(form, 'par')) {
      // RFC 9126 §2.1: the push is validated as the authorization endpoint would, so it is the dry run;
      // the request_uri is single use (§4): a dry authorize with it would leave none for the browser.
      const pushed = await pushRequest(caller(run, request), prefix, params);
      run.pushed = pushed.exchange;
      if (pushed.requestUri === undefined) return refuse([]);
      run.sentParams = { client_id: run.clientId, request_uri: pushed.requestUri };
      return reply.redirect(authorizeUrl(run), 303);
    }
    // A dry run first, without the browser's SSO cookie: a request the checks refuse is shown here with
    // its trace, instead of leaving the admin on the error page (or at a redirect URI that is not ours).
    const id = `explorer-${randomUUID().slice(0, 8)}`;
    const dry = await app.inject({ method: 'GET', url: authorizeUrl(run), headers: { 'x-request-id': id } });
    const trace = traces.get(id);
    // prompt=none meets no session in the dry run: only the real run, with the browser's cookie, can tell.
    const failed = trace?.steps.some((s) => !s.ok && s.name !== 'session');
    if (dry.statusCode !== 303 || failed) return refuse(trace ? [trace] : []);
    return reply.redirect(authorizeUrl(run), 303);
  });

  /** The authorization requests of a run, oldest first: the first one, then its replays after login and consent. */
  const runTraces = (run: ExplorerRun) => {
    // In the ring's own time: the authorize requests of a pushed run come after its push.
    const since = (run.pushed && traces.get(run.pushed.requestId)?.at) ?? 0;
    return traces
      .find(
        (r) =>
          r.endpoint === 'authorize' &&
          !r.id.startsWith('explorer-') &&
          (run.sentParams
            ? // A pushed run's query carries no state: its requests are its client's since the run began.
              r.params['client_id'] === run.clientId && r.params['request_uri'] !== undefined && r.at >= since
            : r.params['state'] === run.state),
      )
      .reverse()
      .map(shown);
  };

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
      ...sentOf(run),
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
      ...sentOf(run),
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

  traceRoutes(app, ui, traces);
}
