// Slows password guessing: after too many failed logins for one username from one address, refuse for a while.
import type { Clock } from '../shared/clock.ts';

export interface ThrottleOptions {
  /** Failures allowed within the window before logins are refused. */
  maxFailures: number;
  windowSeconds: number;
}

/** Per-process memory, bounded; successful logins are never slowed, so real users and load tests are unaffected. */
export class LoginThrottle {
  private readonly failures = new Map<string, { count: number; since: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly options: ThrottleOptions = { maxFailures: 10, windowSeconds: 900 },
  ) {}

  private key(username: string, address: string): string {
    return `${username.toLowerCase()}\u0000${address}`;
  }

  /** Seconds until another attempt is allowed, or 0. */
  blockedFor(username: string, address: string): number {
    const entry = this.failures.get(this.key(username, address));
    if (!entry) return 0;
    const remaining = entry.since + this.options.windowSeconds - this.clock.nowSeconds();
    if (remaining <= 0) {
      this.failures.delete(this.key(username, address));
      return 0;
    }
    return entry.count >= this.options.maxFailures ? remaining : 0;
  }

  fail(username: string, address: string): void {
    const key = this.key(username, address);
    const now = this.clock.nowSeconds();
    const entry = this.failures.get(key);
    if (entry && entry.since + this.options.windowSeconds > now) entry.count += 1;
    else this.failures.set(key, { count: 1, since: now });
    // Bound memory under a spray of usernames: forget the oldest entries.
    if (this.failures.size > 100_000) {
      for (const old of [...this.failures.keys()].slice(0, 10_000)) this.failures.delete(old);
    }
  }

  succeed(username: string, address: string): void {
    this.failures.delete(this.key(username, address));
  }
}
