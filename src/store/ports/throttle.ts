// Login throttle port: failure counts shared by every worker and node.

/**
 * Failed logins per key (a hash of the username and address), in the database so that every worker and
 * node counts the same failures: a cluster throttles as one server.
 */
export interface ThrottleStore {
  /** The failures in this key's open window, or undefined when none is open at `now`. */
  failures(key: string, now: number): Promise<{ count: number; expiresAt: number } | undefined>;
  /** Counts one failure, atomically: one more in the open window, or 1 in a new one of `windowSeconds`. */
  recordFailure(key: string, now: number, windowSeconds: number): Promise<void>;
  clear(key: string): Promise<void>;
}
