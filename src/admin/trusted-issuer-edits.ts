// Trusted issuer edits on a draft snapshot (RFC 8693 token exchange): add, replace the keys, remove.
import type { Snapshot } from '../config/schema.ts';
import { type TrustedIssuerConfig, trustedIssuerSchema } from '../config/schema-exchange.ts';
import { AdminError, notFound } from './errors.ts';
import { parseInput } from './parse.ts';

export type TrustedIssuerInput = TrustedIssuerConfig;

const listOf = (snapshot: Snapshot) => snapshot.trusted_issuers ?? [];

/** The clients whose token-exchange policy names this issuer. */
export const clientsTrusting = (snapshot: Snapshot, issuer: string): string[] =>
  snapshot.clients.filter((c) => c.token_exchange?.trusted_issuers.includes(issuer)).map((c) => c.client_id);

function checkKeys(issuer: TrustedIssuerConfig): void {
  // A published private or symmetric key is a leaked one: refuse it here as for a client's keys.
  const leaked = (issuer.jwks?.keys ?? []).findIndex((k) => 'd' in k || 'k' in k);
  if (leaked >= 0) {
    const message = 'holds private or symmetric key material; give public keys only';
    throw new AdminError('invalid_request', message, { issues: [{ path: `jwks.keys[${leaked}]`, message }] });
  }
}

export function createTrustedIssuer(snapshot: Snapshot, raw: unknown): Snapshot {
  const issuer = parseInput(trustedIssuerSchema, raw);
  checkKeys(issuer);
  if (listOf(snapshot).some((t) => t.issuer === issuer.issuer)) {
    const message = `a trusted issuer "${issuer.issuer}" already exists`;
    throw new AdminError('duplicate', message, { issues: [{ path: 'issuer', message }] });
  }
  return { ...snapshot, trusted_issuers: [...listOf(snapshot), issuer] };
}

/** Replaces everything but the issuer URL (its name, its keys). */
export function updateTrustedIssuer(snapshot: Snapshot, issuerUrl: string, raw: unknown): Snapshot {
  if (!listOf(snapshot).some((t) => t.issuer === issuerUrl)) throw notFound(`trusted issuer "${issuerUrl}"`);
  const body = raw && typeof raw === 'object' ? raw : {};
  const issuer = parseInput(trustedIssuerSchema, { ...body, issuer: issuerUrl });
  checkKeys(issuer);
  return { ...snapshot, trusted_issuers: listOf(snapshot).map((t) => (t.issuer === issuerUrl ? issuer : t)) };
}

/** Removed even while clients still trust it: the commit is refused, naming them, until none does. */
export function deleteTrustedIssuer(
  snapshot: Snapshot,
  issuerUrl: string,
): { snapshot: Snapshot; stillNamedBy: string[] } {
  if (!listOf(snapshot).some((t) => t.issuer === issuerUrl)) throw notFound(`trusted issuer "${issuerUrl}"`);
  return {
    snapshot: { ...snapshot, trusted_issuers: listOf(snapshot).filter((t) => t.issuer !== issuerUrl) },
    stillNamedBy: clientsTrusting(snapshot, issuerUrl),
  };
}
