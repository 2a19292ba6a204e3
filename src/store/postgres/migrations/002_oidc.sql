-- tessera: additive
-- Refresh-token rotation, the claims request parameter, remembered consent and key rotation (SQLite 002, PostgreSQL types).
ALTER TABLE tokens ADD COLUMN rotated_at BIGINT;
ALTER TABLE tokens ADD COLUMN family_expires_at BIGINT;
-- The claims request parameter is kept as the text the client sent; the stores never look inside it.
ALTER TABLE tokens ADD COLUMN claims TEXT;
ALTER TABLE codes ADD COLUMN claims TEXT;
ALTER TABLE codes ADD COLUMN code_challenge_method TEXT;

CREATE TABLE consents (
  account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  client_id TEXT NOT NULL,
  scope TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (account_id, client_id)
);

ALTER TABLE signing_keys ADD COLUMN activates_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE signing_keys ADD COLUMN retired_at BIGINT;
