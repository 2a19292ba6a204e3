// Upgrades from earlier releases: databases that 0.1.0's, 0.2.0's and 0.3.0's own code wrote (test/fixtures/upgrade/<version>, made
// by scripts/make-upgrade-fixture.ts) are opened by this code through a real server, on SQLite and PostgreSQL,
// and the release's sessions, consents, tokens, committed clients, signing keys and revisions keep working.
// upgrade.test.ts covers the store ports over hand-written rows of schema 006; this one covers the whole server
// over rows the release wrote itself, so a migration that drops, renames or rewrites what they need fails here.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { decodeProtectedHeader } from 'jose';
import pg from 'pg';
import { createTessera } from '../../src/main.ts';
import { FixedClock } from '../../src/shared/clock.ts';
import { adminApi, apiToken } from '../fixtures/admin.ts';
import { callback, introspect, pkce, token } from '../fixtures/oidc.ts';
import { freePort, type TestServer } from '../fixtures/server.ts';
import { basic, UserAgent } from '../fixtures/user-agent.ts';

/** Every release with fixtures under test/fixtures/upgrade/: each one's database, opened by this code. */
const RELEASES = ['0.1.0', '0.2.0', '0.3.0'] as const;

function upgradeFrom(RELEASE: (typeof RELEASES)[number]): void {
  const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'upgrade', RELEASE);
  const DATABASE_URL = process.env['TESSERA_TEST_DATABASE_URL'];

  interface Issued {
    issuedAt: number;
    sessionCookie: string;
    accessToken: string;
    refreshToken: string;
    kids: string[];
  }
  const SECRETS = JSON.parse(readFileSync(join(FIXTURE, 'secrets.json'), 'utf8')) as {
    masterKey: string;
    client: { id: string; secret: string; redirectUri: string };
    user: { username: string; email: string };
    admin: { username: string };
    sqlite: Issued;
    postgres: Issued;
  };
  const { client } = SECRETS;
  const clientAuth = basic(client.id, client.secret);

  /** This code's server over the release's database: no clients in a file, only what 0.1.0 committed. */
  async function serve(dataDir: string, issued: Issued, env: NodeJS.ProcessEnv = {}): Promise<TestServer> {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const tessera = await createTessera({
      overrides: { data: dataDir, port, host: '127.0.0.1', baseUrl: url },
      env: { TESSERA_MASTER_KEY: SECRETS.masterKey, ...env },
      // Half a minute after the release issued its tokens: the access token (300 s) is still live.
      clock: new FixedClock(issued.issuedAt + 30),
    });
    await tessera.app.listen({ port, host: '127.0.0.1' });
    return { tessera, url, issuer: tessera.endpoints.issuer, dataDir, close: () => tessera.close() };
  }

  function releaseWorks(issued: Issued, open: () => Promise<TestServer>): void {
    let server: TestServer;
    before(async () => {
      server = await open();
    });
    after(() => server?.close());

    test("the release's access token introspects as active, for its account and client", async () => {
      const res = await introspect(server, issued.accessToken, clientAuth);
      assert.equal(res.status, 200, res.text);
      assert.equal(res.json['active'], true, res.text);
      assert.equal(res.json['client_id'], client.id);
      assert.equal(typeof res.json['sub'], 'string');
      assert.equal(res.json['scope'], 'openid profile email');
    });

    test("the release's committed client authenticates with its secret, and only with it", async () => {
      const wrong = await token(
        server,
        { grant_type: 'refresh_token', refresh_token: issued.refreshToken },
        basic(client.id, `${client.secret}x`),
      );
      assert.equal(wrong.status, 401, wrong.text);
      assert.equal(wrong.json['error'], 'invalid_client');
    });

    test("the release's refresh token refreshes into a live access token", async () => {
      const res = await token(
        server,
        { grant_type: 'refresh_token', refresh_token: issued.refreshToken },
        clientAuth,
      );
      assert.equal(res.status, 200, res.text);
      assert.equal(res.json['scope'], 'openid profile email');
      const fresh = await introspect(server, res.json['access_token'] as string, clientAuth);
      assert.equal(fresh.json['active'], true, fresh.text);
    });

    test("the release's SSO session and consent authorize without a login or consent page; its keys sign", async () => {
      const agent = new UserAgent();
      agent.cookies.set('tessera_sso', issued.sessionCookie);
      const { verifier, challenge } = pkce();
      const query = new URLSearchParams({
        response_type: 'code',
        client_id: client.id,
        redirect_uri: client.redirectUri,
        scope: 'openid profile email',
        nonce: 'after-the-upgrade',
        code_challenge: challenge,
        code_challenge_method: 'S256',
      });
      // A 303 straight to the client: revision 2 (consent_required) is live and the release's consent covers it.
      const code = callback(await agent.request(`${server.url}/oauth/v2/oauth-authorize?${query}`)).get(
        'code',
      );
      assert.ok(code, 'a code for the upgraded session');
      const res = await token(
        server,
        { grant_type: 'authorization_code', code, redirect_uri: client.redirectUri, code_verifier: verifier },
        clientAuth,
      );
      assert.equal(res.status, 200, res.text);
      const { kid } = decodeProtectedHeader(res.json['id_token'] as string);
      assert.ok(issued.kids.includes(kid!), `the ID token is signed by a key the release made (kid ${kid})`);
      const userinfo = await fetch(`${server.url}/oauth/v2/oauth-userinfo`, {
        headers: { authorization: `Bearer ${res.json['access_token']}` },
      });
      assert.equal(((await userinfo.json()) as Record<string, unknown>)['email'], SECRETS.user.email);
    });

    test("the release's revisions are the history, newest first, for the release's admin", async () => {
      const api = adminApi(server, await apiToken(server, SECRETS.admin.username, 'upgrade'));
      const res = await api.get('/revisions');
      assert.equal(res.status, 200);
      assert.deepEqual(
        res.body.revisions.map((r: { id: number; message: string }) => [r.id, r.message]),
        [
          [2, 'upgrade-app asks for consent'],
          [1, `create client ${client.id}`],
        ],
      );
    });
  }

  describe(`upgrade from release ${RELEASE}: SQLite`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-release-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    releaseWorks(SECRETS.sqlite, () => {
      copyFileSync(join(FIXTURE, 'tessera.db'), join(dir, 'tessera.db'));
      return serve(dir, SECRETS.sqlite);
    });
  });

  describe(`upgrade from release ${RELEASE}: PostgreSQL`, {
    skip: DATABASE_URL ? false : 'TESSERA_TEST_DATABASE_URL is not set',
  }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-release-'));
    const schema = `tessera_release_${process.pid}`;
    const admin = new pg.Client({ connectionString: DATABASE_URL });
    releaseWorks(SECRETS.postgres, async () => {
      await admin.connect();
      // The release's dump is schema-neutral: it lands in whatever search_path names.
      await admin.query(
        `DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}; SET search_path = ${schema}`,
      );
      await admin.query(readFileSync(join(FIXTURE, 'postgres.sql'), 'utf8'));
      const url = new URL(DATABASE_URL!);
      url.searchParams.set('options', `-c search_path=${schema}`);
      return serve(dir, SECRETS.postgres, { DATABASE_URL: url.href });
    });
    // After the server's own after hook, which releaseWorks registered first.
    after(async () => {
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.end();
      rmSync(dir, { recursive: true, force: true });
    });
  });
}

for (const release of RELEASES) upgradeFrom(release);
