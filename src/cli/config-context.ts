// Opens the local database with the admin services, as the server builds them, for the CLI's config commands.
import type { Overrides } from '../config/load.ts';
import { systemClock } from '../shared/clock.ts';
import { cryptoRandom } from '../shared/random.ts';
import { openLocal } from './local.ts';

export async function openAdmin(opts: Overrides) {
  const local = await openLocal(opts);
  const [
    { createAdminService },
    { sealSecret },
    { createAuditRecorder },
    { authnSecretBox },
    { outboundSettings },
  ] = await Promise.all([
    import('../admin/service.ts'),
    import('../keys/sealed-secret.ts'),
    import('../authn/audit.ts'),
    import('../keys/sealed-authn.ts'),
    import('../keys/outbound.ts'),
  ]);
  const service = createAdminService({
    config: local.store.config,
    admin: local.store.admin,
    impact: local.store.impact,
    secrets: local.secrets,
    sealSecret: (secret) => sealSecret(local.dataKeys['secret-sealing'], secret),
    authnSecrets: authnSecretBox(local.dataKeys['secret-sealing']),
    outbound: outboundSettings(local.config.server.outbound, local.config.server.base_url),
    clock: systemClock,
    random: cryptoRandom,
    // Running servers pick a commit up with their poller within a second.
    onCommit: async () => {},
    setupKey: local.dataKeys['admin-setup'],
    declared: local.config.declared,
    audit: createAuditRecorder({
      store: local.store.audit,
      clock: systemClock,
      log: () => ({ error: (_details, message) => process.stderr.write(`${message}\n`) }),
    }),
    auditEvents: local.store.audit,
    accounts: local.store.accounts,
  });
  const { registrationAdmin } = await import('../admin/registration.ts');
  // Running servers see a disable or delete made here within their resolver cache's few seconds.
  const registration = registrationAdmin({
    store: local.store.registration,
    grants: local.store.grants,
    secrets: local.secrets,
    clock: systemClock,
    random: cryptoRandom,
    audit: service.deps.audit,
    forget: () => {},
  });
  return { ...local, service, registration, close: () => local.store.close() };
}

/** Runs `work` against an open admin context and closes the database afterwards, whatever happens. */
export async function withAdmin<T>(
  opts: Overrides,
  work: (ctx: Awaited<ReturnType<typeof openAdmin>>) => Promise<T>,
) {
  const ctx = await openAdmin(opts);
  try {
    return await work(ctx);
  } finally {
    await ctx.close();
  }
}
