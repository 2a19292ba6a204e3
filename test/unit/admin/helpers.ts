// Admin unit-test helpers: the admin services over the memory store, with a frozen clock and a counting random.
import { createAdminService } from '../../../src/admin/service.ts';
import { createAuditRecorder } from '../../../src/authn/audit.ts';
import { type Snapshot, type SnapshotInput, snapshotSchema } from '../../../src/config/schema.ts';
import { authnSecretBox } from '../../../src/keys/sealed-authn.ts';
import { sealSecret } from '../../../src/keys/sealed-secret.ts';
import { createSecretHasher } from '../../../src/keys/secrets.ts';
import { FixedClock } from '../../../src/shared/clock.ts';
import type { Random } from '../../../src/shared/random.ts';
import { createMemoryStore } from '../../../src/store/memory/index.ts';

export const NOW = 1_700_000_000;

/** Distinct, predictable values; tokens are 43 characters like real 256-bit ones. */
export function countingRandom(): Random {
  let n = 0;
  return {
    token: () => `tok${String(++n).padStart(40, '0')}`,
    uuid: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
  };
}

export const MASTER_KEY = Buffer.alloc(32, 3);
export const secrets = createSecretHasher(MASTER_KEY);

export const snapshotOf = (input: SnapshotInput = {}): Snapshot => snapshotSchema.parse(input);

export const client = (clientId: string, extra: Record<string, unknown> = {}) => ({
  client_id: clientId,
  redirect_uris: ['https://app.example/cb'],
  secret_hash: 'hmac-sha256:x',
  ...extra,
});

/** `declared`: what the config file declares, layered over every committed revision at runtime. */
export function adminFixture(declared: Snapshot = snapshotOf()) {
  const store = createMemoryStore();
  const clock = new FixedClock(NOW);
  let commits = 0;
  const deps = {
    config: store.config,
    admin: store.admin,
    impact: store.impact,
    secrets,
    sealSecret: (secret: string) => sealSecret(MASTER_KEY, secret),
    authnSecrets: authnSecretBox(MASTER_KEY),
    outbound: { timeout: 3, maxBytes: 65_536, allowLoopback: true, allowPrivateNetworks: false },
    clock,
    random: countingRandom(),
    onCommit: async () => {
      commits += 1;
    },
    setupKey: Buffer.alloc(32, 9),
    declared,
    audit: createAuditRecorder({ store: store.audit, clock, log: () => ({ error: () => {} }) }),
    auditEvents: store.audit,
    accounts: store.accounts,
  };
  return { store, clock, deps, service: createAdminService(deps), commits: () => commits };
}
