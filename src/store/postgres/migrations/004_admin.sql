-- tessera: additive
-- Admin: accounts, UI sessions, REST API tokens, per-owner config drafts and the setup salt (SQLite 004, PostgreSQL types).
CREATE TABLE admin_users (
  username TEXT NOT NULL,
  -- SQLite's COLLATE NOCASE key: usernames are unique regardless of case. A stored lower(username) rather
  -- than an expression index, because admin_sessions needs a plain column to reference.
  username_lower TEXT GENERATED ALWAYS AS (lower(username)) STORED,
  password_hash TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  CONSTRAINT admin_users_username_lower PRIMARY KEY (username_lower)
);

CREATE TABLE admin_sessions (
  id_hash TEXT PRIMARY KEY,
  username TEXT NOT NULL,
  -- Matches the admin whatever the case it was written in, as the NOCASE foreign key does in SQLite.
  username_lower TEXT GENERATED ALWAYS AS (lower(username)) STORED
    REFERENCES admin_users(username_lower) ON DELETE CASCADE,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX admin_sessions_expires_at ON admin_sessions(expires_at);
CREATE INDEX admin_sessions_username_lower ON admin_sessions(username_lower);

CREATE TABLE admin_api_tokens (
  id TEXT PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  owner TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  revoked_at BIGINT,
  -- Insertion order, SQLite's rowid: breaks created_at ties when listing so both engines list alike.
  seq BIGINT GENERATED ALWAYS AS IDENTITY
);

CREATE TABLE admin_drafts (
  owner TEXT PRIMARY KEY,
  base INTEGER,
  -- json, not jsonb: the snapshot comes back with the key order it was written in, as config_revisions does.
  snapshot JSON NOT NULL,
  version INTEGER NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE TABLE admin_setup (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  salt TEXT NOT NULL
);
