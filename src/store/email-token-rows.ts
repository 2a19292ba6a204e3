// Row mapper for email_tokens, the same on both SQL engines (pg returns BIGINT as a string).
import type { EmailToken, EmailTokenPurpose } from './ports/index.ts';
import { int, type Row } from './rows.ts';

export const EMAIL_TOKEN_COLUMNS = 'hash, purpose, account_id, email, created_at, expires_at';

export const toEmailToken = (r: Row): EmailToken => ({
  hash: r['hash'] as string,
  purpose: r['purpose'] as EmailTokenPurpose,
  accountId: r['account_id'] as string,
  email: r['email'] as string,
  createdAt: int(r['created_at']),
  expiresAt: int(r['expires_at']),
});
