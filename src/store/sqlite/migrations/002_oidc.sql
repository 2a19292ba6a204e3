-- tessera: additive
-- Refresh-token rotation, the claims request parameter, remembered consent and key rotation.
ALTER TABLE tokens ADD COLUMN rotated_at INTEGER;
ALTER TABLE tokens ADD COLUMN family_expires_at INTEGER;
ALTER TABLE tokens ADD COLUMN claims TEXT;
ALTER TABLE codes ADD COLUMN claims TEXT;
ALTER TABLE codes ADD COLUMN code_challenge_method TEXT;

CREATE TABLE consents (
  account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  client_id TEXT NOT NULL,
  scope TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (account_id, client_id)
);

ALTER TABLE signing_keys ADD COLUMN activates_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE signing_keys ADD COLUMN retired_at INTEGER;
