// What one selftest check is, what it shares with the others, and what it reports.
import type { ThrowawayClient } from './admin.ts';
import type { Agent } from './agent.ts';
import type { Discovery, Tokens } from './protocol.ts';

export interface SelftestUser {
  username: string;
  password: string;
  /** Register the account through the registration page (open registration) instead of logging in. */
  register: boolean;
}

/** State the checks hand on to each other, in the order they run. */
export interface Context {
  discoveryUrl: string;
  issuer: string;
  client: ThrowawayClient;
  user: SelftestUser;
  discovery?: Discovery;
  /** The browser holding the user's SSO session once the code flow has logged in. */
  browser?: Agent;
  login?: { code: string; verifier: string; nonce: string };
  tokens?: Tokens;
  /** The user's subject, from the verified ID token. */
  sub?: string;
  /** The refresh token the rotation check exchanged, to replay. */
  rotatedOut?: string;
  /** A second token set (from prompt=none), for the checks that revoke or end things. */
  second?: Tokens;
}

export interface Check {
  id: string;
  /** The OpenID conformance suite module this check mirrors, or null where the suite has none. */
  module: string | null;
  /** The section whose rule the check asserts. */
  spec: string;
  /** Ids of earlier checks whose results this one uses. */
  needs?: readonly string[];
  /** Resolves to the reason it passed; throws with the reason it failed. */
  run(ctx: Context): Promise<string>;
}

export type Status = 'pass' | 'fail' | 'skip';

export interface CheckResult {
  check: string;
  module: string | null;
  spec: string;
  status: Status;
  reason: string;
  ms: number;
}

/** Throws the failure reason unless `condition` holds. */
export function expect(condition: unknown, reason: string): asserts condition {
  if (!condition) throw new Error(reason);
}

export function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} is missing`);
  return value;
}
