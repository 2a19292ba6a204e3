// Composition root: loads config, opens the store, builds keys and services, and wires them into the HTTP app.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import type { AdminDeps } from './admin/deps.ts';
import { sealSecrets } from './admin/seal-secrets.ts';
import { setupToken } from './admin/setup.ts';
import type { AuthnDeps } from './authn/deps.ts';
import { findSession } from './authn/sessions.ts';
import { type Endpoints, endpointsFor } from './config/endpoints.ts';
import { compileConfig, type LiveConfig, mergeSnapshots } from './config/live.ts';
import { ConfigError, type LoadedConfig, loadConfig, type Overrides } from './config/load.ts';
import { snapshotSchema } from './config/schema.ts';
import { crossCheck } from './config/validate.ts';
import { buildApp } from './http/app.ts';
import { createMetrics } from './http/plugins/metrics.ts';
import { deriveKey } from './keys/encryption.ts';
import { type KeyRing, loadKeyRing } from './keys/keyring.ts';
import { type MasterKey, resolveMasterKey } from './keys/master-key.ts';
import { createSecretHasher, type SecretHasher } from './keys/secrets.ts';
import { createJwtSigner } from './keys/signer.ts';
import { createIdTokenHintVerifier } from './keys/verify.ts';
import type { ProtocolDeps } from './protocol/deps.ts';
import { type Clock, systemClock } from './shared/clock.ts';
import { cryptoRandom, type Random } from './shared/random.ts';
import type { Store } from './store/ports/index.ts';
import { openSqliteStore } from './store/sqlite/index.ts';

export interface TesseraOptions {
  overrides?: Overrides;
  env?: NodeJS.ProcessEnv;
  logger?: FastifyServerOptions['logger'];
  clock?: Clock;
  random?: Random;
}

export interface Tessera {
  app: FastifyInstance;
  store: Store;
  config: LoadedConfig;
  endpoints: Endpoints;
  masterKey: MasterKey;
  live(): LiveConfig;
  /** Re-reads the current config revision; called by the poller and after local commits. */
  refresh(): Promise<void>;
  /** One-time link that creates the first admin account; null once an admin exists. */
  setupLink: string | null;
  close(): Promise<void>;
}

const CLEANUP_INTERVAL_MS = 60_000;
const CLEANUP_BATCH = 1000;

/** Deletes expired rows in bounded batches, on whichever node holds the cleanup lease. */
export async function purgeExpired(store: Store, holder: string, clock: Clock): Promise<number> {
  let total = 0;
  for (let round = 0; round < 50; round++) {
    const deleted = await store.maintenance.purgeExpired(holder, clock.nowSeconds(), CLEANUP_BATCH);
    if (deleted === null) return total;
    total += deleted;
    if (deleted < CLEANUP_BATCH) return total;
  }
  return total;
}

export function databaseFile(dataDir: string): string {
  return join(resolve(dataDir), 'tessera.db');
}

/** How the store is opened: `server` for a long-running server, not a short CLI command. */
export interface OpenOptions {
  server?: boolean;
}

/** SQLite under the data directory, or PostgreSQL when DATABASE_URL says so. */
export async function openStore(
  config: LoadedConfig,
  env: NodeJS.ProcessEnv,
  options: OpenOptions = {},
): Promise<Store> {
  const url = env['DATABASE_URL'];
  if (!url) {
    return openSqliteStore(databaseFile(config.server.data_dir), {
      backgroundCheckpoints: options.server === true,
    });
  }
  if (!/^postgres(ql)?:\/\//.test(url)) throw new Error('DATABASE_URL must be a postgres:// URL');
  // Loaded only here, so an embedded (SQLite) server never loads the PostgreSQL driver.
  const { openPostgresStore } = await import('./store/postgres/index.ts');
  const poolSize = env['TESSERA_DB_POOL_SIZE'];
  return openPostgresStore(url, poolSize === undefined ? {} : { poolSize: Number(poolSize) });
}

/** Where the data lives, for the console banner; never prints a database password. */
export function describeStore(config: LoadedConfig, env: NodeJS.ProcessEnv = process.env): string {
  const url = env['DATABASE_URL'];
  if (!url) return databaseFile(config.server.data_dir);
  try {
    const parsed = new URL(url);
    return `PostgreSQL ${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`;
  } catch {
    return 'PostgreSQL';
  }
}

/** Opens the store and master key the way `start` does, for CLI commands that work on the local database. */
export async function openLocal(
  overrides: Overrides = {},
  env: NodeJS.ProcessEnv = process.env,
  options: OpenOptions = {},
) {
  const config = loadConfig(overrides, env);
  if (env['DATABASE_URL'] && !env['TESSERA_MASTER_KEY']) {
    // A key file would differ per node, and no node could decrypt the signing keys another one created.
    throw new Error(
      'DATABASE_URL is set: set TESSERA_MASTER_KEY too, the same on every node (see docs/deployment.md)',
    );
  }
  const masterKey = resolveMasterKey(env, resolve(config.server.data_dir));
  const store = await openStore(config, env, options);
  return { config, store, masterKey, secrets: createSecretHasher(masterKey.key) };
}

/** The committed revision, creating the first one (defaults only) on a new database. */
async function currentSnapshot(store: Store, clock: Clock) {
  const current = await store.config.current();
  if (current) return current;
  try {
    return await store.config.commit({
      parent: null,
      author: 'system',
      message: 'initial configuration',
      createdAt: clock.nowSeconds(),
      snapshot: snapshotSchema.parse({}),
    });
  } catch {
    // Another worker committed it first.
    return (await store.config.current())!;
  }
}

async function compileLive(
  store: Store,
  declared: LoadedConfig['declared'],
  secrets: SecretHasher,
  clock: Clock,
) {
  const revision = await currentSnapshot(store, clock);
  const merged = mergeSnapshots(revision.snapshot, declared);
  // The file and the committed revision are each valid; together they must be too (a scope, an authenticator).
  const issues = crossCheck(merged);
  if (issues.length > 0) throw new ConfigError(`the config file merged over revision ${revision.id}`, issues);
  return compileConfig(merged, revision.id, secrets.hash);
}

export async function createTessera(options: TesseraOptions = {}): Promise<Tessera> {
  const env = options.env ?? process.env;
  const clock = options.clock ?? systemClock;
  const random = options.random ?? cryptoRandom;
  const local = await openLocal(options.overrides, env, { server: true });
  const { store, masterKey, secrets } = local;
  // Plaintext secrets from the file are hashed once here and not kept in memory.
  const config = { ...local.config, declared: sealSecrets(local.config.declared, secrets) };
  try {
    const endpoints = endpointsFor(config.server.base_url);
    let live = await compileLive(store, config.declared, secrets, clock);
    const keyRing: KeyRing = await loadKeyRing(
      store.keys,
      masterKey.key,
      clock.nowSeconds(),
      endpoints.issuer,
    );

    const protocol: ProtocolDeps = {
      config: () => live,
      issuer: endpoints.issuer,
      clock,
      random,
      secrets,
      signJwt: createJwtSigner(keyRing, clock),
      verifyIdTokenHint: createIdTokenHintVerifier(keyRing, endpoints.issuer, clock),
      accounts: store.accounts,
      sessions: store.sessions,
      findSession: (token) => findSession(token, { sessions: store.sessions, clock }),
      grants: store.grants,
      consents: store.consents,
      codeLifetime: config.server.authorization_code_lifetime,
      loginUrl: (authenticator, returnTo, loginHint) =>
        `${endpoints.base}/authn/authenticate/html-form/${encodeURIComponent(authenticator)}?${new URLSearchParams(
          {
            return_to: returnTo,
            ...(loginHint === undefined ? {} : { login_hint: loginHint }),
          },
        )}`,
      consentUrl: (returnTo) =>
        `${endpoints.base}/authn/consent?${new URLSearchParams({ return_to: returnTo })}`,
    };
    const metrics = createMetrics(store.maintenance.poolStats?.bind(store.maintenance));
    const authn: AuthnDeps = {
      config: () => live,
      clock,
      random,
      accounts: store.accounts,
      sessions: store.sessions,
      consents: store.consents,
      grants: store.grants,
      throttle: store.throttle,
      sessionLifetime: config.server.session_lifetime,
      countLogin: (result) => metrics.logins.inc({ result }),
    };
    const tls = config.server.tls;
    const admin: AdminDeps = {
      config: store.config,
      admin: store.admin,
      secrets,
      clock,
      random,
      // A commit made here is live here at once; other nodes pick it up with their poller.
      onCommit: () => refresh(),
      setupKey: deriveKey(masterKey.key, 'admin-setup'),
      declared: config.declared,
    };
    const setup = await setupToken(store.admin.users, admin.setupKey, random);
    const app = await buildApp(
      {
        protocol,
        authn,
        endpoints,
        jwks: keyRing.jwks,
        cookieSecret: deriveKey(masterKey.key, 'cookie-signing').toString('base64url'),
        secureCookies: endpoints.base.startsWith('https:'),
        sessionLifetime: config.server.session_lifetime,
        ready: async () => {
          try {
            await store.maintenance.ping();
            return true;
          } catch {
            return false;
          }
        },
        metrics,
        throttle: store.throttle,
        admin,
      },
      {
        logger: options.logger ?? false,
        ...(tls ? { https: { key: readFileSync(tls.key), cert: readFileSync(tls.cert) } } : {}),
      },
    );

    const refresh = async () => {
      const id = await store.config.currentId();
      if (id !== live.revision) live = await compileLive(store, config.declared, secrets, clock);
      // Rotated keys: published on every node as soon as they are written, signing once they activate.
      await keyRing.reload(clock.nowSeconds());
    };
    // A commit made by another process (CLI, another worker) goes live within a second.
    const poller = setInterval(() => {
      refresh().catch((error) => app.log.error({ err: error }, 'config refresh failed'));
    }, 1000);
    poller.unref();
    // PostgreSQL pushes commits (LISTEN/NOTIFY); the poller stays as the safety net and reloads keys.
    const unwatch = await store.config.watch?.(() => {
      refresh().catch((error) => app.log.error({ err: error }, 'config refresh failed'));
    });
    const holder = random.uuid();
    const cleanup = setInterval(() => {
      purgeExpired(store, holder, clock).catch((error) => app.log.warn({ err: error }, 'cleanup failed'));
    }, CLEANUP_INTERVAL_MS);
    cleanup.unref();

    return {
      app,
      store,
      config,
      endpoints,
      masterKey,
      live: () => live,
      refresh,
      setupLink: setup === null ? null : `${endpoints.base}/admin/setup?token=${setup}`,
      async close() {
        clearInterval(poller);
        clearInterval(cleanup);
        await unwatch?.();
        await app.close();
        await store.close();
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}
