// SQLite store (better-sqlite3, WAL): the embedded default, safe for several worker processes on one file.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Store } from '../ports/index.ts';
import { createSqliteAccounts } from './accounts.ts';
import { createSqliteAdminStore } from './admin.ts';
import { createSqliteAudit } from './audit.ts';
import { startCheckpoints } from './checkpoints.ts';
import { createSqliteConfig } from './config.ts';
import { createSqliteConsents } from './consents.ts';
import { createSqliteDeviceCodes } from './device-codes.ts';
import { createSqliteEmailTokens } from './email-tokens.ts';
import { createSqliteGrants } from './grants.ts';
import { createSqliteImpact } from './impact.ts';
import { createSqliteKeys } from './keys.ts';
import { createSqliteMaintenance } from './maintenance.ts';
import { migrate } from './migrate.ts';
import { createSqlitePasskeys } from './passkeys.ts';
import { createSqlitePushedRequests } from './pushed-requests.ts';
import { createSqliteRegistration } from './registration.ts';
import { createSqliteReplay } from './replay.ts';
import { createSqliteSessions } from './sessions.ts';
import { createSqliteThrottle } from './throttle.ts';
import { createSqliteTotp } from './totp.ts';
import { createSqliteUpstream } from './upstream.ts';

export interface SqliteOptions {
  /** WAL checkpoints on a worker thread instead of inside commits: for the server, not short CLI runs. */
  backgroundCheckpoints?: boolean;
}

export function openSqliteStore(file: string, options: SqliteOptions = {}): Store {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode survives a process crash with every committed row; only power loss can drop the last commits.
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  migrate(db);
  const checkpointer =
    options.backgroundCheckpoints && file !== ':memory:' ? startCheckpoints(db, file) : null;

  return {
    engine: 'sqlite',
    accounts: createSqliteAccounts(db),
    consents: createSqliteConsents(db),
    sessions: createSqliteSessions(db),
    grants: createSqliteGrants(db),
    config: createSqliteConfig(db),
    keys: createSqliteKeys(db),
    maintenance: createSqliteMaintenance(db),
    throttle: createSqliteThrottle(db),
    totp: createSqliteTotp(db),
    passkeys: createSqlitePasskeys(db),
    upstream: createSqliteUpstream(db),
    replay: createSqliteReplay(db),
    pushedRequests: createSqlitePushedRequests(db),
    registration: createSqliteRegistration(db),
    deviceCodes: createSqliteDeviceCodes(db),
    emailTokens: createSqliteEmailTokens(db),
    admin: createSqliteAdminStore(db),
    impact: createSqliteImpact(db),
    audit: createSqliteAudit(db),
    async close() {
      await checkpointer?.stop();
      db.close();
    },
  };
}
