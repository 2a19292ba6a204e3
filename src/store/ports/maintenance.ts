// Maintenance port: expired-row cleanup under a lease, readiness ping, pool statistics.

export interface MaintenanceStore {
  /**
   * Deletes up to `batch` expired codes, tokens, sessions, login-failure windows, replay keys and pushed requests if this holder wins (or already holds)
   * the cleanup lease, so only one node at a time does it. Returns rows deleted, or null without the lease.
   */
  purgeExpired(holder: string, now: number, batch: number): Promise<number | null>;
  /** Cheap round trip that fails when the database is unreachable or its schema is not the one this node expects. */
  ping(): Promise<void>;
  /** Connections of a pool, for the operator's metrics; engines without a pool leave it out. */
  poolStats?(): { total: number; idle: number; waiting: number };
}
