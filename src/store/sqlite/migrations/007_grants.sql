-- tessera: additive
-- Grants as rows: what every code and token of one authorization belongs to. Issuing checks the grant is
-- live in the same transaction as the insert, so a revocation that commits first always wins; a grant
-- made in an SSO session without offline_access records the session's hash and ends with it.
CREATE TABLE grants (
  id TEXT PRIMARY KEY,
  client_id TEXT NOT NULL,
  account_id TEXT NOT NULL,
  session_hash TEXT,
  -- The end of the longest-lived code or token issued from it; purged after that.
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE INDEX grants_session_hash ON grants(session_hash) WHERE session_hash IS NOT NULL;
CREATE INDEX grants_account_client ON grants(account_id, client_id);
CREATE INDEX grants_expires_at ON grants(expires_at);

-- Every grant written by an earlier version gets its row, live, lasting as long as its longest code or token.
INSERT INTO grants (id, client_id, account_id, session_hash, expires_at)
SELECT grant_id, min(client_id), min(account_id), NULL, max(expires_at)
FROM (
  SELECT grant_id, client_id, account_id, expires_at FROM codes
  UNION ALL
  SELECT grant_id, client_id, account_id, coalesce(family_expires_at, expires_at) FROM tokens
)
GROUP BY grant_id;
