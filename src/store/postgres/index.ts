// PostgreSQL store (pg): the scale-out option, shared by any number of stateless Tessera nodes.
import type pg from 'pg';
import type { Store } from '../ports/index.ts';
import { postgresAccounts } from './accounts.ts';
import { postgresAdmin } from './admin.ts';
import { postgresAudit } from './audit.ts';
import { postgresConfig } from './config.ts';
import { postgresConsents } from './consents.ts';
import { postgresDeviceCodes } from './device-codes.ts';
import { postgresEmailTokens } from './email-tokens.ts';
import { postgresGrants } from './grants.ts';
import { postgresImpact } from './impact.ts';
import { postgresKeys } from './keys.ts';
import { postgresMaintenance } from './maintenance.ts';
import { migrate } from './migrate.ts';
import { postgresPasskeys } from './passkeys.ts';
import { postgresPushedRequests } from './pushed-requests.ts';
import { postgresRegistration } from './registration.ts';
import { postgresReplay } from './replay.ts';
import { postgresSessions } from './sessions.ts';
import { postgresThrottle } from './throttle.ts';
import { postgresTotp } from './totp.ts';
import { GuardedPool } from './unavailable.ts';
import { postgresUpstream } from './upstream.ts';

export interface PostgresStoreOptions {
  /** Connections this process may hold; every worker process has its own pool. */
  poolSize?: number;
}

// pg's own default; a token request holds a connection for a few round trips, so a handful serve many requests.
const DEFAULT_POOL_SIZE = 10;

export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<Store> {
  const max = options.poolSize ?? DEFAULT_POOL_SIZE;
  if (!Number.isInteger(max) || max < 1)
    throw new RangeError(`poolSize must be a positive integer, not ${max}`);
  const pool: pg.Pool = new GuardedPool({
    connectionString: url,
    max,
    idleTimeoutMillis: 30_000,
    // A database that does not answer should fail the request, not hold it until the client gives up.
    connectionTimeoutMillis: 3_000,
    // A query stuck on a dead connection fails instead of holding the request.
    query_timeout: 10_000,
    application_name: 'tessera',
  });
  // An idle connection that dies (server restart, failover) is dropped and replaced on the next checkout;
  // without a listener, pg's 'error' event would crash the process. Failed queries reach their callers.
  pool.on('error', () => {});
  try {
    await migrate(pool);
  } catch (error) {
    await pool.end();
    throw error;
  }

  return {
    engine: 'postgres',
    accounts: postgresAccounts(pool),
    consents: postgresConsents(pool),
    sessions: postgresSessions(pool),
    grants: postgresGrants(pool),
    config: postgresConfig(pool, url),
    keys: postgresKeys(pool),
    throttle: postgresThrottle(pool),
    totp: postgresTotp(pool),
    passkeys: postgresPasskeys(pool),
    upstream: postgresUpstream(pool),
    replay: postgresReplay(pool),
    pushedRequests: postgresPushedRequests(pool),
    registration: postgresRegistration(pool),
    deviceCodes: postgresDeviceCodes(pool),
    emailTokens: postgresEmailTokens(pool),
    maintenance: postgresMaintenance(pool),
    admin: postgresAdmin(pool),
    impact: postgresImpact(pool),
    audit: postgresAudit(pool),
    async close() {
      await pool.end();
    },
  };
}
