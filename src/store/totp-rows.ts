// Row mapper for totp_credentials, shared by both SQL engines (plain columns only: no JSON, no booleans).
import type { TotpCredential } from './ports/index.ts';
import { int, intOrNull, type Row } from './rows.ts';

export type { Row } from './rows.ts';

export const toTotpCredential = (r: Row): TotpCredential => ({
  accountId: r['account_id'] as string,
  secretSealed: r['secret_sealed'] as string,
  confirmedAt: intOrNull(r['confirmed_at']),
  lastStep: int(r['last_step']),
  createdAt: int(r['created_at']),
});
