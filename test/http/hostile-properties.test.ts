// Hostile input at every route the app registers, on SQLite and PostgreSQL: never a 5xx, never internals, always the product's shape.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import Fastify from 'fastify';
import { createAdmin } from '../../src/admin/admins.ts';
import { createApiToken } from '../../src/admin/api-tokens.ts';
import { startAdminSession } from '../../src/admin/sessions.ts';
import { errorSchema } from '../../src/http/admin-api/schemas.ts';
import { registerInputHygiene, routesOf } from '../../src/http/plugins/input-hygiene.ts';
import { safeReturnPath } from '../../src/http/request.ts';
import type { Tessera } from '../../src/main.ts';
import { systemClock } from '../../src/shared/clock.ts';
import { cryptoRandom } from '../../src/shared/random.ts';
import { textProblem } from '../../src/shared/text.ts';
import { ConflictError } from '../../src/store/ports/errors.ts';
import {
  BASE,
  type Harness,
  type Kind,
  PASSWORD,
  pct,
  probe,
  request,
  sendProbe,
  startTessera,
} from '../fixtures/hostile-probes.ts';
import { CALLBACK } from '../fixtures/oidc.ts';

/** Fixed, so a failure replays: fast-check prints the seed and the shrunk counterexample. */
const SEED = 20_261_201;
const RUNS_PER_ROUTE = 12;
const DATABASE_URL = process.env['TESSERA_TEST_DATABASE_URL'];

/** Logs everyone in that a hostile request may act as: an admin (cookie and API token), an end user. */
async function harness(tessera: Tessera): Promise<Harness> {
  const { app, store } = tessera;
  const deps = { admin: store.admin, clock: systemClock, random: cryptoRandom };
  assert.ok(
    (await createAdmin(store.admin.users, { username: 'alice', password: PASSWORD }, systemClock)).ok,
  );
  const token = (await createApiToken(deps, { name: 'hostile', owner: 'alice' })).secret;
  // Revoking this one (a path the probes reach) must not cut the probes' own token off.
  const spare = (await createApiToken(deps, { name: 'spare', owner: 'alice' })).token.id;
  const page = await app.inject({ url: '/admin/login' });
  const csrfCookie = page.cookies.find((c) => c.name === 'tessera_csrf')!.value;
  const csrf = /name="_csrf" value="([^"]*)"/.exec(page.body)![1]!;
  const h: Harness = {
    app,
    csrf,
    cookies: { tessera_csrf: csrfCookie },
    token,
    user: '',
    samples: {},
    async adminLogin() {
      h.cookies['tessera_admin'] = await startAdminSession(deps, 'alice');
    },
    async userLogin() {
      h.user = `u${cryptoRandom.token(6)}`;
      const res = await app.inject({
        method: 'POST',
        url: '/authn/register/html-form/username-password',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          cookie: `tessera_csrf=${csrfCookie}`,
        },
        payload: new URLSearchParams({
          _csrf: csrf,
          username: h.user,
          password: PASSWORD,
        }).toString(),
      });
      h.cookies['tessera_sso'] = res.cookies.find((c) => c.name === 'tessera_sso')!.value;
    },
  };
  await h.adminLogin();
  await h.userLogin();
  // A committed revision and a scope for the paths that name them.
  const api = (method: 'POST', url: string, body: unknown) =>
    app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, payload: body as object });
  assert.equal((await api('POST', '/admin/api/scopes', { name: 'hostile.scope' })).statusCode, 201);
  const commit = await api('POST', '/admin/api/changes/commit', { message: 'for the hostile probes' });
  assert.equal(commit.statusCode, 201, commit.body);
  h.samples = {
    id: 'username-password',
    clientId: 'www',
    client_id: 'www',
    name: 'hostile.scope',
    // An API identifier is a URI, percent-encoded in a path.
    identifier: encodeURIComponent('https://hostile-api.example'),
    // A trusted issuer (RFC 8693) is named by its URL, percent-encoded in a path.
    issuer: encodeURIComponent('https://hostile-issuer.example'),
    // A posture warning a client can have (admin/posture/rules-client.ts).
    warning_id: 'pkce-not-required',
    // An account page session handle (authn/account/sessions.ts): one that is none of the user's.
    handle: 'no-such-session',
    '*': 'nothing-here',
    '/admin/clients/:id': 'www',
    '/admin/history/:id': String(commit.json().revision.id),
    '/admin/api/revisions/:id': String(commit.json().revision.id),
    '/admin/tokens/:id/revoke': spare,
  };
  return h;
}

function engineSuite(engine: string, databaseUrl: string | undefined, skip: string | false) {
  describe(`${engine}: hostile input at every route`, { skip }, () => {
    let server: Awaited<ReturnType<typeof startTessera>>;
    let h: Harness;
    before(async () => {
      server = await startTessera(databaseUrl);
      h = await harness(server.tessera);
    });
    after(() => server?.close());

    test('the route list the probes walk is every route fastify serves', () => {
      const listed = routesOf(h.app);
      // printRoutes is fastify's own tree of what it serves; every leaf must be in the list we probe.
      const tree = h.app.printRoutes({ commonPrefix: false }).split('\n');
      const stack: string[] = [];
      let leaves = 0;
      for (const line of tree) {
        const match = /^([│├└─\s]*)(\S.*?) \(([A-Z, ]+)\)$/.exec(line);
        if (!match) continue;
        const depth = match[1]!.length / 4;
        stack[depth] = (stack[depth - 1] ?? '') + match[2]!;
        for (const method of match[3]!.split(', ')) {
          leaves++;
          const url = stack[depth]!;
          assert.ok(
            listed.some((r) => r.method === method && r.url === url),
            `${method} ${url} is served but not probed`,
          );
        }
      }
      assert.ok(
        leaves > 50 && listed.length >= leaves,
        `${listed.length} routes listed, ${leaves} in the tree`,
      );
      for (const route of listed) {
        for (const [, name] of route.url.matchAll(/:(\w+)|(\*)/g)) {
          const param = name ?? '*';
          assert.ok(h.samples[route.url] ?? h.samples[param], `a sample value for ${param} in ${route.url}`);
        }
      }
    });

    test('no route answers 5xx, internals, or an unsafe Location to hostile query, body or path input', async () => {
      let sent = 0;
      const routes = routesOf(h.app);
      for (const [i, route] of routes.entries()) {
        await fc.assert(
          fc.asyncProperty(probe(route.method, route.url), async (p) => {
            sent++;
            await sendProbe(h, p);
          }),
          // A seed per route, so routes do not all see the same sequence; fixed, so a failure replays.
          { seed: SEED + i, numRuns: RUNS_PER_ROUTE, endOnFailure: true },
        );
      }
      // The ceiling grows with the routes (12 probes each); it only catches a runaway generator.
      assert.ok(sent >= 500 && sent <= RUNS_PER_ROUTE * routes.length, `${sent} probes`);
    });

    test('each of the fourteen known causes of a 500 is refused in the shape of its surface', async () => {
      const NUL = 'a\u0000b';
      const toAuthorize = '/oauth/v2/oauth-authorize?client_id=www&x=a\u0000b';
      const login = { username: h.user, password: PASSWORD };
      // [cause, method, route, kind, field, text, base]: every one reached the store or a header before.
      const cases: [string, string, string, Kind, string, string?, Record<string, string>?][] = [
        ['login username', 'POST', '/authn/authenticate/html-form/:id', 'form', 'username'],
        ['registration name', 'POST', '/authn/register/html-form/:id', 'form', 'name'],
        ['registration email', 'POST', '/authn/register/html-form/:id', 'form', 'email'],
        ['profile field', 'POST', '/authn/account/profile', 'form', 'street_address'],
        ['consent revoke path', 'POST', '/authn/account/consents/:clientId/revoke', 'params', ''],
        ['admin login', 'POST', '/admin/login', 'form', 'username'],
        ['API token name', 'POST', '/admin/tokens', 'form', 'name'],
        ['API token revoke path', 'POST', '/admin/tokens/:id/revoke', 'params', ''],
        ['rollback message', 'POST', '/admin/history/:id/rollback', 'form', 'message'],
        ['API rollback message', 'POST', '/admin/api/revisions/:id/rollback', 'json', 'message'],
        [
          'return_to at login',
          'POST',
          '/authn/authenticate/html-form/:id',
          'form',
          'return_to',
          toAuthorize,
          login,
        ],
        [
          'return_to at consent',
          'POST',
          '/authn/consent',
          'form',
          'return_to',
          toAuthorize,
          { decision: 'allow' },
        ],
        [
          'return_to at registration',
          'POST',
          '/authn/register/html-form/:id',
          'form',
          'return_to',
          toAuthorize,
        ],
      ];
      for (const [cause, method, url, kind, field, text = NUL, base = BASE[url] ?? {}] of cases) {
        const as = url.startsWith('/admin/api') ? 'token' : 'session';
        const res = await sendProbe(h, { method, url, kind, as, fields: field ? [field] : [], text, base });
        assert.equal(res.status, 400, `${cause}: ${res.status} ${res.body.slice(0, 200)}`);
      }
      // The authorization endpoint's client and redirect URI are trusted: RFC 6749 §4.1.2.1 sends the
      // invalid_request back to the client with its state, and no code.
      const nonce = await sendProbe(h, {
        method: 'GET',
        url: '/oauth/v2/oauth-authorize',
        kind: 'query',
        as: 'session',
        fields: ['nonce'],
        text: NUL,
        base: { ...BASE['/oauth/v2/oauth-authorize']!, state: 's-1' },
      });
      assertErrorRedirect(nonce, 'authorize nonce');
      // Text the edge lets through but a header cannot carry: safeReturnPath drops it, the login page says done.
      const emoji = '/oauth/v2/oauth-authorize?client_id=www&x=\u{1F600}';
      const url = '/authn/authenticate/html-form/:id';
      const done = await sendProbe(h, {
        method: 'POST',
        url,
        kind: 'form',
        as: 'session',
        fields: ['return_to'],
        text: emoji,
        base: login,
      });
      assert.equal(done.status, 200, done.body.slice(0, 200));
      // A body over the limit on an admin form: 413 on the admin's own page, not 500.
      const big = await sendProbe(h, {
        method: 'POST',
        url: '/admin/tokens',
        kind: 'oversize',
        as: 'session',
        fields: ['name'],
        text: 'x',
        base: {},
      });
      assert.equal(big.status, 413);
      assert.match(big.body, /too large/);
      // The wizard given a JSON object where a string belongs: 400, not a crash.
      for (const field of ['client_id', 'capabilities', 'redirect_uris', 'step']) {
        const wizard = await sendProbe(h, {
          method: 'POST',
          url: '/admin/new-client',
          kind: 'json',
          as: 'session',
          fields: [field],
          text: '',
          shape: { a: 1 },
          base: BASE['/admin/new-client']!,
        });
        assert.equal(wizard.status, 400, field);
      }
      // Revision ids that name none: 404 on the pages, 400 from the API; never the store's error.
      for (const id of ['abc', '0', '-1', '1.5', '99999999999', '1e400']) {
        const url = `/admin/history/${pct(id)}`;
        assert.equal((await request(h, 'GET', url, 'session')).status, 404, id);
        assert.equal(
          (await request(h, 'POST', `${url}/rollback`, 'session', { message: 'x' })).status,
          404,
          id,
        );
        assert.equal((await request(h, 'GET', `/admin/api/revisions/${pct(id)}`, 'token')).status, 400, id);
      }
      // Found by the properties: a path that is not valid percent-encoding, or a segment over the router's limit,
      // used to get Fastify's own JSON with its FST_ code, past every error handler.
      for (const segment of ['%C3%28', '%ED%A0%80', '%E0%A4%A', 'a'.repeat(200)]) {
        for (const base of ['/authn/register/html-form', '/admin/clients', '/admin/api/clients']) {
          const res = await request(
            h,
            'GET',
            `${base}/${segment}`,
            base.includes('api') ? 'token' : 'session',
          );
          // 404 where a wildcard route catches what the named route would not take.
          assert.ok([400, 404].includes(res.status), `${base}/${segment.slice(0, 20)}: ${res.status}`);
        }
      }
    });

    test('tab, CR and LF pass where text spans lines: pretty-printed claims, a multi-line commit message', async () => {
      const claims = JSON.stringify({ id_token: { email: null } }, null, 2);
      const base = BASE['/oauth/v2/oauth-authorize']!;
      const url = '/oauth/v2/oauth-authorize';
      const pretty = await sendProbe(h, {
        method: 'GET',
        url,
        kind: 'query',
        as: 'nobody',
        fields: ['claims'],
        text: claims,
        base,
      });
      assert.equal(pretty.status, 303, pretty.body.slice(0, 200));
      const tabbed = await sendProbe(h, {
        method: 'GET',
        url,
        kind: 'query',
        as: 'nobody',
        fields: ['state'],
        text: 'a\tb',
        base,
      });
      assertErrorRedirect(tabbed, 'but not in a single-line parameter');
      // Whatever the probes left in this token's draft (an authenticator deleted, say) is not this test's business.
      await request(h, 'DELETE', '/admin/api/changes', 'token', {}, 'json');
      await request(h, 'POST', '/admin/api/scopes', 'token', { name: 'multi.line' }, 'json');
      const message = 'Add a scope\r\n\n\tfor the probes';
      const commit = await request(h, 'POST', '/admin/api/changes/commit', 'token', { message }, 'json');
      assert.equal(commit.status, 201, commit.body);
      assert.equal(JSON.parse(commit.body).revision.message, message);
    });

    test('a draft saved by two at once: 409 saying someone else changed it, on the page and from the API', async () => {
      const drafts = server.tessera.store.admin.drafts;
      const save = drafts.save;
      drafts.save = async () => {
        throw new ConflictError('draft moved on', 7);
      };
      try {
        const api = await request(h, 'POST', '/admin/api/scopes', 'token', { name: 'conflicted' }, 'json');
        assert.equal(api.status, 409, api.body);
        assert.equal(errorSchema.parse(JSON.parse(api.body)).error, 'conflict');
        assert.match(api.body, /someone else changed this draft/);
        const page = await request(h, 'POST', '/admin/scopes', 'session', { name: 'conflicted' });
        assert.equal(page.status, 409, page.body.slice(0, 300));
        assert.match(page.body, /Someone else changed this draft/);
      } finally {
        drafts.save = save;
      }
      // And for real: many edits of one draft at once never surface as a 500.
      const racing = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          request(h, 'POST', '/admin/api/scopes', 'token', { name: `race.${i}` }, 'json'),
        ),
      );
      for (const res of racing) assert.ok([201, 409].includes(res.status), `${res.status} ${res.body}`);
      await request(h, 'DELETE', '/admin/api/changes', 'token');
    });
  });
}

/** An RFC 6749 §4.1.2.1 error redirect to the seed client's callback: invalid_request, no code. */
function assertErrorRedirect(answer: { status: number; location: string | undefined }, what: string): void {
  assert.equal(answer.status, 303, what);
  const location = new URL(answer.location ?? '');
  assert.equal(`${location.origin}${location.pathname}`, CALLBACK, what);
  assert.equal(location.searchParams.get('error'), 'invalid_request', what);
  assert.equal(location.searchParams.get('code'), null, what);
}

describe('the edge alone', () => {
  test('textProblem refuses NUL, C0, DEL, C1 and lone surrogates; tab, CR and LF only in multi-line fields', () => {
    for (const bad of [
      '\u0000',
      'a\u0001',
      '\u007f',
      '\u0085',
      '\u009f',
      '\ud800',
      'x\udc00',
      '\udc00\ud800',
    ]) {
      assert.ok(textProblem(bad, true), JSON.stringify(bad));
    }
    for (const line of ['\t', '\r', '\n']) {
      assert.ok(textProblem(line), JSON.stringify(line));
      assert.equal(textProblem(`a${line}b`, true), undefined);
    }
    for (const good of ['', 'plain', 'é', '😀', '\u00a0', '\u2028'])
      assert.equal(textProblem(good), undefined);
  });

  test('safeReturnPath refuses any control character, non-ASCII and backslash in what it returns', () => {
    const base = '/oauth/v2/oauth-authorize?client_id=www';
    assert.equal(safeReturnPath(base, ''), base);
    for (const bad of ['\u0000', '\r', '\n', '\t', ' ', '\u007f', '\u0085', 'é', '😀', '\\', '\u2028']) {
      assert.equal(safeReturnPath(`${base}${bad}`, ''), '', JSON.stringify(bad));
    }
  });

  test('no route can put a control character into a Location header: the redirect becomes a 400', async () => {
    const app = Fastify();
    registerInputHygiene(app);
    app.setErrorHandler((error, _request, reply) =>
      reply.code((error as { statusCode?: number }).statusCode ?? 500).send({ error: 'invalid_request' }),
    );
    // A route that trusts its input, as a future route might.
    app.get('/go', (request, reply) =>
      reply.redirect(decodeURIComponent((request.query as { to: string }).to), 303),
    );
    for (const to of ['%2Fa%0D%0AX%3A1', '%2F%E2%80%A8', '%2F%F0%9F%98%80', '%2Fa%09b']) {
      const res = await app.inject({ url: `/go?x=1&to=${to}` });
      assert.equal(res.statusCode, 400, to);
      assert.equal(res.headers.location, undefined, to);
    }
    assert.equal((await app.inject({ url: '/go?to=%2Fok' })).statusCode, 303);
    await app.close();
  });
});

engineSuite('sqlite', undefined, false);
engineSuite(
  'postgres',
  DATABASE_URL,
  DATABASE_URL ? false : 'set TESSERA_TEST_DATABASE_URL to run the hostile-input properties on PostgreSQL',
);
