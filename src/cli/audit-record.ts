// The audit recorder for one CLI command: events name `cli` as the actor; a failed write is said on stderr.
import type { AuditInput } from '../authn/audit.ts';
import type { Store } from '../store/ports/index.ts';

/** Records one event done from the command line; never fails the command. */
export async function recordCli(
  store: Pick<Store, 'audit'>,
  event: Omit<AuditInput, 'actor'>,
): Promise<void> {
  const [{ createAuditRecorder }, { systemClock }] = await Promise.all([
    import('../authn/audit.ts'),
    import('../shared/clock.ts'),
  ]);
  await createAuditRecorder({
    store: store.audit,
    clock: systemClock,
    log: () => ({ error: (_details, message) => process.stderr.write(`${message}\n`) }),
  }).record({ ...event, actor: 'cli' });
}
