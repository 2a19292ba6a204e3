// SQLite ImpactStore: the counts the commit preview shows, each one query over the live rows.
import type Database from 'better-sqlite3';
import type { ImpactStore } from '../ports/index.ts';

/** Tokens of client @client that still work at @now: not revoked, grant not revoked, unexpired, not rotated out. */
const LIVE = `SELECT t.* FROM tokens t JOIN grants g ON g.id = t.grant_id
  WHERE t.client_id = @client AND t.revoked_at IS NULL AND g.revoked_at IS NULL AND t.expires_at > @now
    AND (t.kind = 'access_token' OR t.rotated_at IS NULL)`;

/** Whether the space-separated @scope list in `column` holds @token, compared as whole words. */
const holds = (column: string) => `instr(' ' || ${column} || ' ', ' ' || @token || ' ') > 0`;

export function createSqliteImpact(db: Database.Database): ImpactStore {
  const q = {
    client: db.prepare(`WITH live AS (${LIVE})
      SELECT count(DISTINCT grant_id) AS grants,
        count(*) FILTER (WHERE kind = 'refresh_token') AS refresh,
        count(*) FILTER (WHERE kind = 'access_token') AS access,
        count(DISTINCT nullif(account_id, '')) AS accounts,
        (SELECT count(DISTINCT l.account_id) FROM live l WHERE l.account_id <> '' AND NOT EXISTS
          (SELECT 1 FROM consents c WHERE c.account_id = l.account_id AND c.client_id = @client)) AS unconsented,
        (SELECT count(*) FROM consents WHERE client_id = @client) AS consents
      FROM live`),
    scope: db.prepare(`SELECT
        (SELECT count(*) FROM (${LIVE}) l WHERE l.kind = 'refresh_token' AND ${holds('l.scope')}) AS refresh,
        (SELECT count(*) FROM consents c WHERE c.client_id = @client AND ${holds('c.scope')}) AS consents`),
    sessions: db.prepare('SELECT count(*) AS n FROM sessions WHERE authenticator = ? AND expires_at > ?'),
  };
  return {
    async clientUsage(client, now) {
      const r = q.client.get({ client, now }) as Record<string, number>;
      return {
        grants: r['grants']!,
        refreshTokens: r['refresh']!,
        accessTokens: r['access']!,
        accounts: r['accounts']!,
        accountsWithoutConsent: r['unconsented']!,
        consents: r['consents']!,
      };
    },
    async scopeUsage(client, token, now) {
      const r = q.scope.get({ client, token, now }) as Record<string, number>;
      return { refreshTokens: r['refresh']!, consents: r['consents']! };
    },
    async liveSessions(authenticator, now) {
      return (q.sessions.get(authenticator, now) as { n: number }).n;
    },
  };
}
