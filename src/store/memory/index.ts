// In-memory store for unit tests: the same contract as SQLite and PostgreSQL, held in Maps.
import type { Store } from '../ports/index.ts';
import { memoryAccounts } from './accounts.ts';
import { createMemoryAdminStore } from './admin.ts';
import { memoryAudit } from './audit.ts';
import { memoryConfig } from './config.ts';
import { memoryConsents } from './consents.ts';
import { memoryDeviceCodes } from './device-codes.ts';
import { memoryEmailTokens } from './email-tokens.ts';
import { memoryGrants } from './grants.ts';
import { memoryImpact } from './impact.ts';
import { memoryKeys } from './keys.ts';
import { memoryMaintenance } from './maintenance.ts';
import { memoryPasskeys } from './passkeys.ts';
import { memoryPushedRequests } from './pushed-requests.ts';
import { memoryRegistration } from './registration.ts';
import { memoryReplay } from './replay.ts';
import { memorySessions } from './sessions.ts';
import { emptyState } from './state.ts';
import { memoryThrottle } from './throttle.ts';
import { memoryTotp } from './totp.ts';
import { memoryUpstream } from './upstream.ts';

export function createMemoryStore(): Store {
  const state = emptyState();
  return {
    engine: 'memory',
    accounts: memoryAccounts(state),
    consents: memoryConsents(state),
    sessions: memorySessions(state),
    grants: memoryGrants(state),
    config: memoryConfig(state),
    keys: memoryKeys(state),
    throttle: memoryThrottle(state),
    totp: memoryTotp(),
    passkeys: memoryPasskeys(),
    upstream: memoryUpstream(state),
    replay: memoryReplay(state),
    pushedRequests: memoryPushedRequests(state),
    registration: memoryRegistration(),
    deviceCodes: memoryDeviceCodes(state),
    emailTokens: memoryEmailTokens(state),
    maintenance: memoryMaintenance(state),
    admin: createMemoryAdminStore(),
    impact: memoryImpact(state),
    audit: memoryAudit(),
    async close() {},
  };
}
