-- tessera: additive
-- Email links: the single-use tokens that verification and password-reset messages carry, kept only as
-- keyed hashes, one row per message, used at most once (used_at) and never after expires_at; and an
-- expression index so an account is found by its email address (ASCII letters without regard to case,
-- as the stores compare it). Additive only: older nodes never read the new table or the index.
CREATE TABLE email_tokens (
  hash TEXT PRIMARY KEY,
  purpose TEXT NOT NULL,
  account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  email TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER
);
CREATE INDEX email_tokens_account ON email_tokens(account_id, purpose);
CREATE INDEX email_tokens_expires_at ON email_tokens(expires_at);

CREATE INDEX accounts_email_lower ON accounts (lower(json_extract(claims, '$.email')));
