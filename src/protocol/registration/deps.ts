// What the registration endpoints (RFC 7591, RFC 7592) are given by main.ts.
import type { ClientResolver } from '../../config/clients.ts';
import type { LiveConfig } from '../../config/live.ts';
import type { RegistrationPolicy } from '../../config/schema-registration.ts';
import type { SecretHasher } from '../../keys/secrets.ts';
import type { Clock } from '../../shared/clock.ts';
import type { Random } from '../../shared/random.ts';
import type { AuditEvent, GrantStore, RegistrationStore, ThrottleStore } from '../../store/ports/index.ts';

export interface RegistrationDeps {
  /** The committed policy, read per request: a commit switches every node without a restart. */
  policy(): RegistrationPolicy;
  store: RegistrationStore;
  /** A deleted client's grants and tokens are revoked with it (RFC 7592 §2.3). */
  grants: Pick<GrantStore, 'revokeAllClientGrants'>;
  /** Forgets a changed or deleted client on this node at once (other nodes within the resolver's ttl). */
  clients: Pick<ClientResolver, 'forget'>;
  config(): LiveConfig;
  /** Keyed hashes for client secrets, registration access tokens and initial access tokens. */
  secrets: SecretHasher;
  clock: Clock;
  random: Random;
  /** Registrations per address, counted in the store so every node counts the same ones. */
  throttle: ThrottleStore;
  /** The registration endpoint's URL; registration_client_uri is it plus /client_id. */
  endpoint: string;
  audit?: { record(event: Omit<AuditEvent, 'at'>): Promise<void> } | undefined;
}
