-- tessera: additive
-- Authentication policies: SSO sessions keep their factors (JSON list of {authenticator, amr, at}) and what the
-- account page shows (created, last seen, browser, address); codes and tokens carry the amr of the login they
-- come from; TOTP credentials (secret sealed) and recovery codes (hashes). Additive only: older nodes insert
-- sessions without the new columns (read as one password factor) and never read the new tables.
ALTER TABLE sessions ADD COLUMN factors TEXT NOT NULL DEFAULT '[]';
ALTER TABLE sessions ADD COLUMN created_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN last_seen INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN address TEXT NOT NULL DEFAULT '';
CREATE INDEX sessions_account_id ON sessions(account_id);
ALTER TABLE codes ADD COLUMN amr TEXT NOT NULL DEFAULT '';
ALTER TABLE tokens ADD COLUMN amr TEXT NOT NULL DEFAULT '';

CREATE TABLE totp_credentials (
  account_id TEXT PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
  secret_sealed TEXT NOT NULL,
  confirmed_at INTEGER,
  last_step INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);

CREATE TABLE recovery_codes (
  account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  code_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  used_at INTEGER,
  PRIMARY KEY (account_id, code_hash)
);
