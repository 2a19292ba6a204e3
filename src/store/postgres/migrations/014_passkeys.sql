-- tessera: additive
-- Passkeys (WebAuthn): credentials, several per account, with name, signature counter, transports, backup
-- flags, created and last used; and challenges, kept until used once or expired. Additive only: older nodes
-- never read the new tables.
CREATE TABLE passkey_credentials (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  public_key TEXT NOT NULL,
  counter BIGINT NOT NULL,
  transports TEXT NOT NULL,
  backup_eligible SMALLINT NOT NULL,
  backed_up SMALLINT NOT NULL,
  created_at BIGINT NOT NULL,
  last_used_at BIGINT
);
CREATE INDEX passkey_credentials_account_id ON passkey_credentials(account_id);

CREATE TABLE passkey_challenges (
  handle_hash TEXT PRIMARY KEY,
  challenge TEXT NOT NULL,
  purpose TEXT NOT NULL,
  account_id TEXT,
  expires_at BIGINT NOT NULL
);
CREATE INDEX passkey_challenges_expires_at ON passkey_challenges(expires_at);
