// PostgreSQL rows: json columns arrive parsed afresh on every read (a copy callers may change), booleans as booleans.
import { rowMappers } from '../rows.ts';

export { int, intOrNull, type Row } from '../rows.ts';

export const {
  toAccount,
  toSession,
  toCode,
  toToken,
  toPushedRequest,
  toRevisionMeta,
  toRevision,
  toKey,
  toConsent,
  toAdminUser,
  toAdminSession,
  toApiToken,
  toDraft,
} = rowMappers({ json: (value) => value, bool: (value) => value === true });
