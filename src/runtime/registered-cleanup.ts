// Removes dynamically registered clients unused for the policy's lifetime (registration.unused_lifetime).
import type { Clock } from '../shared/clock.ts';
import type { RegistrationStore } from '../store/ports/registration.ts';

export interface UnusedClientsCleanup {
  store: Pick<RegistrationStore, 'deleteUnused'>;
  /** Seconds, from the committed policy at each run; 0 keeps registered clients however long they go unused. */
  unusedLifetime: number | (() => number);
  /** Drops each removed client from this node's resolver cache. */
  forget(clientId: string): void;
}

/** Idempotent, so any node may run it; returns the removed client_ids. */
export async function purgeUnusedClients(cleanup: UnusedClientsCleanup, clock: Clock): Promise<string[]> {
  const lifetime =
    typeof cleanup.unusedLifetime === 'function' ? cleanup.unusedLifetime() : cleanup.unusedLifetime;
  if (lifetime <= 0) return [];
  const removed = await cleanup.store.deleteUnused(clock.nowSeconds() - lifetime);
  for (const id of removed) cleanup.forget(id);
  return removed;
}
