// Slows password guessing: after too many failed logins for one username from one address, refuse for a while.
import type { Clock } from '../shared/clock.ts';
import { sha256 } from '../shared/crypto.ts';
import type { ThrottleStore } from '../store/ports/index.ts';

export interface ThrottleOptions {
  /** Failures allowed within the window before logins are refused. */
  maxFailures: number;
  windowSeconds: number;
}

/**
 * Counts failures in the store, so every worker and node sees the same count. Successful logins are never
 * slowed, so real users and load tests are unaffected. Keys are hashed: the table holds no usernames or addresses.
 */
export class LoginThrottle {
  constructor(
    private readonly clock: Clock,
    private readonly store: ThrottleStore,
    /** Keeps the end-user and admin logins' counts apart. */
    private readonly scope: string,
    private readonly options: ThrottleOptions = { maxFailures: 10, windowSeconds: 900 },
  ) {}

  private key(username: string, address: string): string {
    return sha256(`${this.scope}\u0000${username.toLowerCase()}\u0000${address}`);
  }

  /** Seconds until another attempt is allowed, or 0. */
  async blockedFor(username: string, address: string): Promise<number> {
    const now = this.clock.nowSeconds();
    const window = await this.store.failures(this.key(username, address), now);
    return window && window.count >= this.options.maxFailures ? window.expiresAt - now : 0;
  }

  fail(username: string, address: string): Promise<void> {
    return this.store.recordFailure(
      this.key(username, address),
      this.clock.nowSeconds(),
      this.options.windowSeconds,
    );
  }

  succeed(username: string, address: string): Promise<void> {
    return this.store.clear(this.key(username, address));
  }
}
