// The shapes of a client's security posture: a warning, its draft fix, and what the rules are given besides the client.
import type { ClientConfig } from '../../config/schema.ts';
import type { ClientPatch } from '../inputs.ts';

/** high: `tessera doctor` exits non-zero; medium: fix soon; low: worth a look. */
export type Severity = 'high' | 'medium' | 'low';

/** A fix is always a draft edit through the client edit functions: a patch, or a new secret. Never a commit. */
export type PostureFix =
  | { kind: 'patch'; patch: ClientPatch; summary: string }
  | { kind: 'reset_secret'; summary: string };

export interface PostureWarning {
  /** Stable for the same finding: the rule id, plus a short hash of the redirect URI for per-URI rules. */
  id: string;
  rule: string;
  severity: Severity;
  message: string;
  /** The RFC or BCP section the warning rests on, e.g. "RFC 9700 §2.1.1". */
  reference: string;
  /** null when no automatic edit is safe (the admin must decide, e.g. the only redirect URI). */
  fix: PostureFix | null;
}

/** What a rule may know besides the client itself; every value is passed in, so the rules stay pure. */
export interface PostureContext {
  /** The issuer URL: its site decides whether a redirect URI belongs to a third party. */
  issuer: string;
  /** Seconds since the epoch. */
  now: number;
  /** When the client's current secret was committed (from the revision history); undefined when unknown. */
  secretSetAt?: { at: number; revision: number } | undefined;
  /** Seconds a secret may live before it is flagged. */
  secretMaxAge: number;
}

export interface PostureRule {
  id: string;
  check(client: ClientConfig, context: PostureContext): Omit<PostureWarning, 'rule'>[];
}

export const SEVERITY_ORDER: Record<Severity, number> = { high: 0, medium: 1, low: 2 };
