-- tessera: additive
-- Initial schema: accounts, SSO sessions, codes, tokens, config revisions, signing keys (SQLite 001, PostgreSQL types).
CREATE TABLE accounts (
  id TEXT PRIMARY KEY,
  username TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  claims JSONB NOT NULL DEFAULT '{}',
  created_at BIGINT NOT NULL,
  disabled BOOLEAN NOT NULL DEFAULT false
);
-- Usernames are unique and looked up case-insensitively; lookups use this index through lower(username).
CREATE UNIQUE INDEX accounts_username_lower ON accounts (lower(username));

CREATE TABLE sessions (
  id_hash TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  authenticator TEXT NOT NULL,
  acr TEXT NOT NULL,
  auth_time BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_expires_at ON sessions(expires_at);

CREATE TABLE codes (
  hash TEXT PRIMARY KEY,
  grant_id TEXT NOT NULL,
  client_id TEXT NOT NULL,
  account_id TEXT NOT NULL,
  redirect_uri TEXT,
  scope TEXT NOT NULL,
  nonce TEXT,
  code_challenge TEXT,
  auth_time BIGINT NOT NULL,
  acr TEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  used_at BIGINT
);
CREATE INDEX codes_expires_at ON codes(expires_at);

CREATE TABLE tokens (
  hash TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('access_token', 'refresh_token')),
  grant_id TEXT NOT NULL,
  client_id TEXT NOT NULL,
  account_id TEXT NOT NULL,
  scope TEXT NOT NULL,
  auth_time BIGINT NOT NULL,
  acr TEXT NOT NULL,
  issued_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  revoked_at BIGINT
);
CREATE INDEX tokens_grant_id ON tokens(grant_id);
CREATE INDEX tokens_expires_at ON tokens(expires_at);

-- Ids are parent + 1, never drawn from a sequence: the primary key is what makes two commits on one parent collide.
CREATE TABLE config_revisions (
  id INTEGER PRIMARY KEY,
  parent INTEGER,
  author TEXT NOT NULL,
  message TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  -- json, not jsonb: the snapshot comes back with the key order it was written in, for YAML export and diffs.
  snapshot JSON NOT NULL
);

CREATE TABLE signing_keys (
  kid TEXT PRIMARY KEY,
  alg TEXT NOT NULL,
  public_jwk TEXT NOT NULL,
  private_key TEXT NOT NULL,
  certificate TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
