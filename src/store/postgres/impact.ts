// PostgreSQL ImpactStore: the counts the commit preview shows, each one query over the live rows.
import type pg from 'pg';
import type { ImpactStore } from '../ports/index.ts';

/** Tokens of client $1 that still work at $2: not revoked, grant not revoked, unexpired, not rotated out. */
const LIVE = `SELECT t.* FROM tokens t JOIN grants g ON g.id = t.grant_id
  WHERE t.client_id = $1 AND t.revoked_at IS NULL AND g.revoked_at IS NULL AND t.expires_at > $2
    AND (t.kind = 'access_token' OR t.rotated_at IS NULL)`;

/** Whether the space-separated scope list in `column` holds $3, compared as whole words. */
const holds = (column: string) => `position(' ' || $3 || ' ' in ' ' || ${column} || ' ') > 0`;

const CLIENT = `WITH live AS (${LIVE})
  SELECT count(DISTINCT grant_id) AS grants,
    count(*) FILTER (WHERE kind = 'refresh_token') AS refresh,
    count(*) FILTER (WHERE kind = 'access_token') AS access,
    count(DISTINCT nullif(account_id, '')) AS accounts,
    (SELECT count(DISTINCT l.account_id) FROM live l WHERE l.account_id <> '' AND NOT EXISTS
      (SELECT 1 FROM consents c WHERE c.account_id = l.account_id AND c.client_id = $1)) AS unconsented,
    (SELECT count(*) FROM consents WHERE client_id = $1) AS consents
  FROM live`;

const SCOPE = `SELECT
  (SELECT count(*) FROM (${LIVE}) l WHERE l.kind = 'refresh_token' AND ${holds('l.scope')}) AS refresh,
  (SELECT count(*) FROM consents c WHERE c.client_id = $1 AND ${holds('c.scope')}) AS consents`;

export function postgresImpact(pool: pg.Pool): ImpactStore {
  // count() is a bigint, which pg hands over as a string.
  const counts = async (text: string, values: unknown[]) => {
    const row = (await pool.query<Record<string, string>>(text, values)).rows[0]!;
    return (name: string) => Number(row[name]);
  };
  return {
    async clientUsage(client, now) {
      const n = await counts(CLIENT, [client, now]);
      return {
        grants: n('grants'),
        refreshTokens: n('refresh'),
        accessTokens: n('access'),
        accounts: n('accounts'),
        accountsWithoutConsent: n('unconsented'),
        consents: n('consents'),
      };
    },
    async scopeUsage(client, scope, now) {
      const n = await counts(SCOPE, [client, now, scope]);
      return { refreshTokens: n('refresh'), consents: n('consents') };
    },
    async liveSessions(authenticator, now) {
      const n = await counts(
        'SELECT count(*) AS n FROM sessions WHERE authenticator = $1 AND expires_at > $2',
        [authenticator, now],
      );
      return n('n');
    },
  };
}
