// Row mappers for the passkey tables, shared by both SQL engines (plain columns: transports as a space list, flags 0/1).
import type { PasskeyChallenge, PasskeyCredential } from './ports/index.ts';
import { int, intOrNull, type Row } from './rows.ts';

export type { Row } from './rows.ts';

export const toPasskey = (r: Row): PasskeyCredential => ({
  id: r['id'] as string,
  accountId: r['account_id'] as string,
  name: r['name'] as string,
  publicKey: r['public_key'] as string,
  counter: int(r['counter']),
  transports: (r['transports'] as string).split(' ').filter((t) => t !== ''),
  backupEligible: int(r['backup_eligible']) === 1,
  backedUp: int(r['backed_up']) === 1,
  createdAt: int(r['created_at']),
  lastUsedAt: intOrNull(r['last_used_at']),
});

/** The columns of a new credential, in the order of PASSKEY_COLUMNS. */
export const passkeyValues = (c: PasskeyCredential): unknown[] => [
  c.id,
  c.accountId,
  c.name,
  c.publicKey,
  c.counter,
  c.transports.join(' '),
  c.backupEligible ? 1 : 0,
  c.backedUp ? 1 : 0,
  c.createdAt,
  c.lastUsedAt,
];

export const PASSKEY_COLUMNS =
  'id, account_id, name, public_key, counter, transports, backup_eligible, backed_up, created_at, last_used_at';

export const toChallenge = (r: Row): PasskeyChallenge => ({
  handleHash: r['handle_hash'] as string,
  challenge: r['challenge'] as string,
  purpose: r['purpose'] as PasskeyChallenge['purpose'],
  accountId: (r['account_id'] as string | null) ?? null,
  expiresAt: int(r['expires_at']),
});
