// Device authorization requests (RFC 8628): kept by the hash of the device_code, found by the hash of the user code.
// Atomic primitives that report what happened; the polling and approval rules live in protocol/.

/** pending until the user decides; approved or denied by the user; consumed once tokens were issued. */
export type DeviceCodeStatus = 'pending' | 'approved' | 'denied' | 'consumed';

export interface DeviceCodeRecord {
  /** SHA-256 of the device_code; the device_code itself is never stored. */
  hash: string;
  /** SHA-256 of the normalized user code (8 letters, no dash), unique among stored rows. */
  userCodeHash: string;
  clientId: string;
  /** The scope asked for, space-separated ('' for none). */
  scope: string;
  /** RFC 8707 resource values sent, space-separated, or null when none was sent. */
  resource: string | null;
  expiresAt: number;
  /** §3.2: the minimum seconds between polls; raised by 5 on each slow_down (§3.5). */
  interval: number;
}

export interface DeviceCode extends DeviceCodeRecord {
  status: DeviceCodeStatus;
  /** The user who approved (or denied); null while pending. */
  accountId: string | null;
  authTime: number | null;
  acr: string | null;
  /** RFC 8176 amr values of the approving login, space-separated; null while pending or when denied. */
  amr: string | null;
  /** When the device last polled, or null before its first poll. */
  lastPolledAt: number | null;
}

/** What the user decided on the verification page; approval names who and how they logged in. */
export type DeviceDecision =
  | { kind: 'approve'; accountId: string; authTime: number; acr: string; amr: string }
  | { kind: 'deny'; accountId: string };

export interface DeviceCodeStore {
  /** Stores a new pending request; false (nothing stored) when the user code hash is taken. */
  create(record: DeviceCodeRecord): Promise<boolean>;
  /** The pending, unexpired request with this user code, or undefined. */
  findPending(userCodeHash: string, now: number): Promise<DeviceCode | undefined>;
  /** Atomically records the decision on a pending, unexpired request; false when it was no longer pending. */
  decide(userCodeHash: string, now: number, decision: DeviceDecision): Promise<boolean>;
  /**
   * Records a poll at `now` and returns the request as it was just before (its previous lastPolledAt),
   * or undefined when there is no such request. One statement or transaction: concurrent polls are serialized.
   */
  poll(hash: string, now: number): Promise<DeviceCode | undefined>;
  /** Raises the request's interval by `seconds` (§3.5 slow_down) and returns the new interval. */
  slowDown(hash: string, seconds: number): Promise<number>;
  /** Atomically moves an approved, unexpired request to consumed; false when it was not approved (or was taken). */
  consume(hash: string, now: number): Promise<boolean>;
}
