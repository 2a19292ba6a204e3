-- tessera: additive
-- Dynamic client registration (RFC 7591/7592): clients registered at run time are data, not config
-- revisions, so a flood of registrations never touches the commit history. Tokens only as keyed hashes.
CREATE TABLE registered_clients (
  client_id TEXT PRIMARY KEY,
  config TEXT NOT NULL,
  metadata TEXT NOT NULL,
  registration_token_hash TEXT NOT NULL,
  registered_by TEXT NOT NULL,
  address TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  last_used_at BIGINT,
  disabled BOOLEAN NOT NULL DEFAULT false
);
CREATE INDEX registered_clients_created_at ON registered_clients(created_at);
CREATE TABLE initial_access_tokens (
  id TEXT PRIMARY KEY,
  label TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  created_at BIGINT NOT NULL,
  expires_at BIGINT,
  uses_left INTEGER,
  revoked BOOLEAN NOT NULL DEFAULT false
);
