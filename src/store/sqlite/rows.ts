// SQLite rows: JSON columns are TEXT, booleans are 0 or 1.
import { rowMappers } from '../rows.ts';

export type { Row } from '../rows.ts';

export const {
  toAccount,
  toCode,
  toToken,
  toPushedRequest,
  toRevision,
  toRevisionMeta,
  toKey,
  toConsent,
  toSession,
  toAdminUser,
  toAdminSession,
  toApiToken,
  toDraft,
} = rowMappers({ json: (value) => JSON.parse(value as string), bool: (value) => value === 1 });
