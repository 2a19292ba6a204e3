-- tessera: additive
-- Initial schema: accounts, SSO sessions, codes, tokens, config revisions, signing keys.
CREATE TABLE accounts (
  id TEXT PRIMARY KEY,
  username TEXT NOT NULL UNIQUE COLLATE NOCASE,
  password_hash TEXT NOT NULL,
  claims TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE sessions (
  id_hash TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  authenticator TEXT NOT NULL,
  acr TEXT NOT NULL,
  auth_time INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
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
  auth_time INTEGER NOT NULL,
  acr TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER
);
CREATE INDEX codes_expires_at ON codes(expires_at);

CREATE TABLE tokens (
  hash TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('access_token', 'refresh_token')),
  grant_id TEXT NOT NULL,
  client_id TEXT NOT NULL,
  account_id TEXT NOT NULL,
  scope TEXT NOT NULL,
  auth_time INTEGER NOT NULL,
  acr TEXT NOT NULL,
  issued_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE INDEX tokens_grant_id ON tokens(grant_id);
CREATE INDEX tokens_expires_at ON tokens(expires_at);

CREATE TABLE config_revisions (
  id INTEGER PRIMARY KEY,
  parent INTEGER,
  author TEXT NOT NULL,
  message TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  snapshot TEXT NOT NULL
);

CREATE TABLE signing_keys (
  kid TEXT PRIMARY KEY,
  alg TEXT NOT NULL,
  public_jwk TEXT NOT NULL,
  private_key TEXT NOT NULL,
  certificate TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
