// Starts Tessera with `tessera start` in a child process, configured like the peer, and registers the bench user.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { MALLOC_ENV, NODE_HEAP_FLAGS } from '../../src/runtime/node-tuning.ts';
import { CookieJar, firstForm, type HttpClient } from '../http.ts';
import { freePort, spawnServer } from './process.ts';
import {
  ACCESS_TOKEN_TTL,
  BENCH_CLIENT,
  BENCH_MACHINE_CLIENT,
  BENCH_PASSKEY_CLIENT,
  BENCH_PASSKEY_ENROL_CLIENT,
  BENCH_USER,
  CODE_TTL,
  discover,
  ID_TOKEN_TTL,
  REFRESH_TOKEN_TTL,
  SESSION_TTL,
  type Target,
  targetOf,
} from './target.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DISCOVERY_PATH = '/oauth/v2/oauth-anonymous/.well-known/openid-configuration';
const REGISTER_PATH = '/authn/register/html-form/username-password';

export interface TesseraOptions {
  dir: string;
  /** Passed as `--workers` only when the bench was given one, so the harness runs on builds without it. */
  workers?: string;
  logLevel?: string;
  /** Extra node flags, e.g. --cpu-prof. */
  nodeArgs?: string[];
  /** DATABASE_URL: Tessera on PostgreSQL instead of its embedded SQLite. */
  databaseUrl?: string;
}

export async function startTessera(options: TesseraOptions): Promise<Target> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const configFile = join(options.dir, 'tessera.yaml');
  const benchClient = {
    client_id: BENCH_CLIENT.client_id,
    redirect_uris: [BENCH_CLIENT.redirect_uri],
    secret: BENCH_CLIENT.secret,
    scopes: BENCH_CLIENT.scope.split(' '),
    refresh_token: { enabled: true, lifetime: REFRESH_TOKEN_TTL },
    access_token_lifetime: ACCESS_TOKEN_TTL,
    id_token_lifetime: ID_TOKEN_TTL,
    id_token_signed_response_alg: 'RS256',
  };
  writeFileSync(
    configFile,
    stringify({
      server: { authorization_code_lifetime: CODE_TTL, session_lifetime: SESSION_TTL },
      scopes: [{ name: BENCH_MACHINE_CLIENT.scope }],
      // The default password form (with registration, for the bench user) and passwordless passkeys.
      authenticators: [
        { id: 'username-password', type: 'html-form', registration: true },
        { id: 'passkeys', type: 'passkey', user_verification: 'required', passwordless: true },
      ],
      policies: [
        { id: BENCH_PASSKEY_CLIENT.policy, steps: [['passkeys']] },
        { id: BENCH_PASSKEY_ENROL_CLIENT.policy, steps: [['username-password'], ['passkeys']], enrol: true },
      ],
      clients: [
        benchClient,
        {
          ...benchClient,
          client_id: BENCH_PASSKEY_CLIENT.client_id,
          authentication_policies: [BENCH_PASSKEY_CLIENT.policy],
        },
        {
          ...benchClient,
          client_id: BENCH_PASSKEY_ENROL_CLIENT.client_id,
          authentication_policies: [BENCH_PASSKEY_ENROL_CLIENT.policy],
        },
        {
          client_id: BENCH_MACHINE_CLIENT.client_id,
          capabilities: ['client_credentials'],
          secret: BENCH_MACHINE_CLIENT.secret,
          scopes: [BENCH_MACHINE_CLIENT.scope],
          access_token_lifetime: ACCESS_TOKEN_TTL,
          access_token_format: 'opaque',
        },
      ],
    }),
  );
  const args = [
    ...(options.nodeArgs ?? []),
    // What `npm start` runs: the bundle built from the current sources (built once by bench/run.ts), with the
    // same heap limits and malloc settings (below).
    ...NODE_HEAP_FLAGS,
    join(ROOT, 'dist/tessera.mjs'),
    'start',
    '--config',
    configFile,
    '--data',
    options.dir,
    '--port',
    String(port),
    '--host',
    '127.0.0.1',
    ...(options.workers === undefined ? [] : ['--workers', options.workers]),
  ];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...MALLOC_ENV,
    NODE_ENV: 'production',
    TESSERA_MASTER_KEY: randomBytes(32).toString('base64url'),
  };
  if (options.logLevel !== undefined) env['TESSERA_LOG_LEVEL'] = options.logLevel;
  // Only the PostgreSQL contender gets one, whatever the shell running the bench has set.
  if (options.databaseUrl !== undefined) env['DATABASE_URL'] = options.databaseUrl;
  else delete env['DATABASE_URL'];
  const server = await spawnServer({
    args,
    env,
    logFile: join(options.dir, 'tessera.log'),
    readyUrl: origin + DISCOVERY_PATH,
  });
  const name = options.databaseUrl === undefined ? 'Tessera' : 'Tessera (PostgreSQL)';
  return targetOf(name, origin, server, async (http) => {
    const endpoints = await discover(http, origin + DISCOVERY_PATH);
    await registerUser(http, origin);
    return endpoints;
  });
}

/** Creates the bench account (or another) through the registration form, as a person would. */
export async function registerUser(
  http: HttpClient,
  origin: string,
  account: { username: string; password: string; name: string; email: string } = BENCH_USER,
): Promise<void> {
  const pageUrl = origin + REGISTER_PATH;
  const jar = new CookieJar();
  const page = await http.get(pageUrl, { jar });
  const form = firstForm(page, pageUrl);
  const done = await http.post(form.action, {
    jar,
    form: { ...form.hidden, ...account },
  });
  if (done.status !== 200 && done.status !== 303) {
    throw new Error(`registering ${account.username} answered ${done.status}: ${done.body.slice(0, 300)}`);
  }
}
