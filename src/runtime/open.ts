// Opens what a Tessera process works on: the config, the store (SQLite, or PostgreSQL when DATABASE_URL says
// so), the master key with the data keys under it, and the secret hasher; `start` and the CLI's local commands
// open them the same way.
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type LoadedConfig, loadConfig, type Overrides } from '../config/load.ts';
import { LockedKeysError, unlockKeys } from '../keys/data-keys.ts';
import { resolveMasterKey } from '../keys/master-key.ts';
import { createSecretHasher } from '../keys/secrets.ts';
import { type Clock, systemClock } from '../shared/clock.ts';
import type { Store } from '../store/ports/index.ts';
import { openSqliteStore } from '../store/sqlite/index.ts';

export function databaseFile(dataDir: string): string {
  return join(resolve(dataDir), 'tessera.db');
}

/** How the store is opened: `server` for a long-running server, not a short CLI command. */
export interface OpenOptions {
  server?: boolean;
  clock?: Clock;
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
  const { openPostgresStore } = await import('../store/postgres/index.ts');
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

/** The config, the store and the master key, before anything is decrypted: for `tessera master-key status`. */
export async function openUnlocked(
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
  return { config, store, masterKey };
}

/**
 * Opens the config, store and master key the way `start` does, for the server and for CLI commands on the
 * local database: refuses, naming each key, when something stored does not decrypt under this master key.
 */
export async function openLocal(
  overrides: Overrides = {},
  env: NodeJS.ProcessEnv = process.env,
  options: OpenOptions = {},
) {
  const { config, store, masterKey } = await openUnlocked(overrides, env, options);
  try {
    const dataKeys = await unlockKeys(store.keys, masterKey, (options.clock ?? systemClock).nowSeconds());
    return { config, store, masterKey, dataKeys, secrets: createSecretHasher(dataKeys['client-secret']) };
  } catch (error) {
    await store.close();
    // A key file made just now holds a key nothing was encrypted under: it goes, so the next start does not keep it.
    if (masterKey.created && error instanceof LockedKeysError) rmSync(masterKey.location, { force: true });
    throw error;
  }
}
