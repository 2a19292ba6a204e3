// Maintenance port: expired-row cleanup under a lease, the store's part of readiness, pool statistics.

/** Whether the database answers; `reason` may reach an HTTP client, `detail` only the log. */
export type DatabaseCheck = { ok: true } | { ok: false; reason: string; detail: string };

/** Whether this node may serve on the database's schema (store/schema-compat.ts); versions are null without one. */
export interface SchemaCheck {
  ok: boolean;
  version: number | null;
  nodeVersion: number | null;
  reason?: string;
}

export interface StoreReadiness {
  database: DatabaseCheck;
  schema: SchemaCheck;
}

export interface MaintenanceStore {
  /**
   * Deletes up to `batch` expired codes, tokens, sessions, login-failure windows, replay keys, pushed requests, device codes and email links if this holder wins (or already holds)
   * the cleanup lease, so only one node at a time does it. Returns rows deleted, or null without the lease.
   */
  purgeExpired(holder: string, now: number, batch: number): Promise<number | null>;
  /** One cheap round trip: is the database reachable, and is its schema one this node can run with. Never throws. */
  readiness(): Promise<StoreReadiness>;
  /** Connections of a pool, for the operator's metrics; engines without a pool leave it out. */
  poolStats?(): { total: number; idle: number; waiting: number };
}
