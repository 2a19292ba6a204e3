// Makes the upgrade fixtures of a previous release: its own code, run from a git worktree, writes real rows.
//
// What it makes, under test/fixtures/upgrade/<version>/ (read by test/contract/upgrade-release.test.ts):
//   tessera.db     the release's SQLite database (VACUUM INTO: one file, no WAL)
//   postgres.sql   the release's PostgreSQL schema and rows (pg_dump --column-inserts, made schema-neutral:
//                  no CREATE SCHEMA, no SET, no qualified names, so it loads into any search_path)
//   secrets.json   the plaintext the test needs: master key, client secret, passwords, session cookie, tokens
// Every row is written through the release's CLI and HTTP endpoints (`tessera admin|client|config|user|keys`,
// then `tessera start` on loopback driven as a browser and a client would), under a fixed master key.
//
// Regenerate (needs git, pg_dump on PATH and a PostgreSQL where the schema tessera_fixture may be dropped):
//   node --import tsx scripts/make-upgrade-fixture.ts [release-commit] [version]
// defaults: b0b0f2f 0.1.0 (the last commit of 0.1.0, schema 007); the database is TESSERA_TEST_DATABASE_URL
// or postgres://postgres@127.0.0.1:5432/test. This checkout's node_modules is linked into the worktree: the
// release must have the same dependencies (true of 0.1.0 → 0.2.0).
import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { parse, stringify } from 'yaml';
import { freePort } from '../test/fixtures/server.ts';
import { basic, UserAgent } from '../test/fixtures/user-agent.ts';

const RELEASE = process.argv[2] ?? 'b0b0f2f';
const VERSION = process.argv[3] ?? '0.1.0';
const DATABASE_URL = process.env['TESSERA_TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const SCHEMA = 'tessera_fixture';
const ROOT = resolve(import.meta.dirname, '..');
const OUT = join(ROOT, 'test', 'fixtures', 'upgrade', VERSION);

/** Fixed so the fixtures can be read back; they protect nothing but test data. */
const SECRETS = {
  masterKey: Buffer.alloc(32, 7).toString('base64url'),
  client: {
    id: 'upgrade-app',
    secret: 'upgrade-Secret_8Kq2Wm5Xr7Tz1Nv4Bc9Hf3Jd6Lp0Ys-aE2gU',
    redirectUri: 'http://localhost/callback',
  },
  user: { username: 'alice', password: 'correct horse battery staple', email: 'alice@example.com' },
  admin: { username: 'root', password: 'admin horse battery staple' },
};

type Engine = 'sqlite' | 'postgres';

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' });
}

/** Runs the release's CLI, as an operator would; a password goes in on stdin. */
function cli(tree: string, env: NodeJS.ProcessEnv, args: string[], stdin = ''): string {
  return execFileSync(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...args], {
    cwd: tree,
    env,
    input: stdin,
    encoding: 'utf8',
  });
}

async function waitReady(url: string, server: { exited: boolean; log: string }): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (server.exited) throw new Error(`the release's server exited:\n${server.log}`);
    try {
      if ((await fetch(`${url}/health/ready`)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the release's server did not become ready:\n${server.log}`);
}

/** Logs alice in, consents, redeems the code: a session, a consent, a refresh and an access token. */
async function signIn(url: string) {
  const agent = new UserAgent();
  const verifier = randomBytes(32).toString('base64url');
  const { client, user } = SECRETS;
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: client.id,
    redirect_uri: client.redirectUri,
    scope: 'openid profile email',
    state: 'fixture-state',
    nonce: 'fixture-nonce',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  });
  const login = await agent.follow(`${url}/oauth/v2/oauth-authorize?${query}`);
  if (!/<h1>Log in<\/h1>/.test(login.body))
    throw new Error(`expected the login form: ${login.body.slice(0, 300)}`);
  const consent = await agent.submit(login, { username: user.username, password: user.password });
  if (!/Allow access\?/.test(consent.body))
    throw new Error(`expected the consent page: ${consent.body.slice(0, 300)}`);
  const done = await agent.submit(consent, { decision: 'allow' });
  const code = new URL(done.headers.get('location') ?? 'x:').searchParams.get('code');
  if (done.status !== 303 || !code)
    throw new Error(`expected a code: ${done.status} ${done.body.slice(0, 300)}`);
  const res = await fetch(`${url}/oauth/v2/oauth-token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: basic(client.id, client.secret),
    },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: client.redirectUri,
      code_verifier: verifier,
    }),
  });
  const tokens = (await res.json()) as Record<string, string>;
  if (!res.ok || !tokens['refresh_token'])
    throw new Error(`token exchange failed: ${JSON.stringify(tokens)}`);
  const jwks = (await (await fetch(`${url}/oauth/v2/oauth-anonymous/jwks`)).json()) as {
    keys: { kid: string }[];
  };
  return {
    /** When the tokens were issued: the test's clock starts from here, before the access token expires. */
    issuedAt: Math.floor(Date.now() / 1000),
    sessionCookie: agent.cookies.get('tessera_sso')!,
    accessToken: tokens['access_token']!,
    refreshToken: tokens['refresh_token'],
    kids: jwks.keys.map((k) => k.kid),
  };
}

/** One engine: the release's CLI writes revisions, accounts and keys; its server then serves a sign-in. */
async function makeRows(tree: string, engine: Engine, work: string) {
  const data = join(work, engine);
  mkdirSync(data);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'],
    HOME: process.env['HOME'],
    TESSERA_MASTER_KEY: SECRETS.masterKey,
    TESSERA_DATA: data,
    TESSERA_PORT: String(port),
    TESSERA_HOST: '127.0.0.1',
    TESSERA_BASE_URL: url,
  };
  if (engine === 'postgres') {
    const admin = new pg.Client({ connectionString: DATABASE_URL });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE; CREATE SCHEMA ${SCHEMA}`);
    await admin.end();
    const db = new URL(DATABASE_URL);
    db.searchParams.set('options', `-c search_path=${SCHEMA}`);
    env['DATABASE_URL'] = db.href;
  }
  const { client, user, admin } = SECRETS;
  cli(tree, env, ['admin', 'create', admin.username], `${admin.password}\n`);
  cli(tree, env, [
    'client',
    'create',
    '--id',
    client.id,
    '--redirect-uri',
    client.redirectUri,
    '--scope',
    'openid',
    '--scope',
    'profile',
    '--scope',
    'email',
    '--secret',
    client.secret,
  ]);
  // The second revision: the exported config, edited and imported, as an operator keeps it in git.
  const exported = join(work, `${engine}-config.yaml`);
  cli(tree, env, ['config', 'export', '-o', exported]);
  const doc = parse(readFileSync(exported, 'utf8')) as { clients: Record<string, unknown>[] };
  for (const c of doc.clients) if (c['client_id'] === client.id) c['consent_required'] = true;
  writeFileSync(exported, stringify(doc));
  cli(tree, env, ['config', 'import', exported, '-m', 'upgrade-app asks for consent']);
  cli(tree, env, ['user', 'create', user.username, '--email', user.email], `${user.password}\n`);
  cli(tree, env, ['keys', 'rotate']);

  const server = { exited: false, log: '' };
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'start'], { cwd: tree, env });
  child.stdout.on('data', (d) => (server.log += d));
  child.stderr.on('data', (d) => (server.log += d));
  const exited = new Promise((r) => child.once('exit', r)).then(() => (server.exited = true));
  try {
    await waitReady(url, server);
    return await signIn(url);
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

/** pg_dump's plain SQL with the schema taken out, loadable into whatever search_path the test sets. */
function dumpPostgres(): string {
  const dump = execFileSync(
    'pg_dump',
    ['--schema', SCHEMA, '--column-inserts', '--no-owner', '--no-privileges', '--no-comments', DATABASE_URL],
    { encoding: 'utf8' },
  );
  return `-- PostgreSQL rows of Tessera ${VERSION} (${RELEASE}), made by scripts/make-upgrade-fixture.ts: load with search_path set.\n${dump
    .split('\n')
    .filter((line) => !/^(SET |SELECT pg_catalog\.set_config|CREATE SCHEMA |\\(un)?restrict |--)/.test(line))
    .join('\n')
    .replaceAll(`${SCHEMA}.`, '')
    .replace(/\n{3,}/g, '\n\n')}`;
}

const work = mkdtempSync(join(tmpdir(), 'tessera-fixture-'));
const tree = join(work, 'tree');
git('worktree', 'add', '--detach', tree, RELEASE);
try {
  symlinkSync(join(ROOT, 'node_modules'), join(tree, 'node_modules'));
  const sqlite = await makeRows(tree, 'sqlite', work);
  const postgres = await makeRows(tree, 'postgres', work);
  mkdirSync(OUT, { recursive: true });
  rmSync(join(OUT, 'tessera.db'), { force: true });
  const db = new Database(join(work, 'sqlite', 'tessera.db'));
  db.exec(`VACUUM INTO '${join(OUT, 'tessera.db')}'`);
  db.close();
  writeFileSync(join(OUT, 'postgres.sql'), dumpPostgres());
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  await admin.query(`DROP SCHEMA ${SCHEMA} CASCADE`);
  await admin.end();
  const commit = git('rev-parse', RELEASE).trim();
  writeFileSync(
    join(OUT, 'secrets.json'),
    `${JSON.stringify({ release: { version: VERSION, commit }, ...SECRETS, sqlite, postgres }, null, 2)}\n`,
  );
  process.stdout.write(`wrote ${OUT}\n`);
} finally {
  rmSync(join(tree, 'node_modules'), { force: true });
  git('worktree', 'remove', '--force', tree);
  rmSync(work, { recursive: true, force: true });
}
