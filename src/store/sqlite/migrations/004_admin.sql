-- tessera: additive
-- Admin: accounts, UI sessions, REST API tokens, per-owner config drafts and the one-time setup salt.
CREATE TABLE admin_users (
  username TEXT PRIMARY KEY COLLATE NOCASE,
  password_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL
);

CREATE TABLE admin_sessions (
  id_hash TEXT PRIMARY KEY,
  username TEXT NOT NULL REFERENCES admin_users(username) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX admin_sessions_expires_at ON admin_sessions(expires_at);

CREATE TABLE admin_api_tokens (
  id TEXT PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  owner TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);

CREATE TABLE admin_drafts (
  owner TEXT PRIMARY KEY,
  base INTEGER,
  snapshot TEXT NOT NULL,
  version INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE admin_setup (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  salt TEXT NOT NULL
);
