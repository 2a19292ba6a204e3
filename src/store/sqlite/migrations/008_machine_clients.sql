-- tessera: additive
-- Machine clients and FAPI 2.0: RFC 8707 resources and RFC 9449 DPoP bindings on codes and tokens,
-- single-use jti values (client assertions, DPoP proofs) and pushed authorization requests (RFC 9126).
-- Additive only: rows written before read the new columns as NULL (no resource named, bearer).
ALTER TABLE codes ADD COLUMN resource TEXT;
ALTER TABLE codes ADD COLUMN jkt TEXT;
ALTER TABLE tokens ADD COLUMN audience TEXT;
ALTER TABLE tokens ADD COLUMN jkt TEXT;

CREATE TABLE replay_keys (
  key_hash TEXT PRIMARY KEY,
  expires_at INTEGER NOT NULL
);
CREATE INDEX replay_keys_expires_at ON replay_keys(expires_at);

-- Keyed by the hash of the request_uri; params is the validated request as JSON text.
CREATE TABLE pushed_requests (
  hash TEXT PRIMARY KEY,
  client_id TEXT NOT NULL,
  params TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER
);
CREATE INDEX pushed_requests_expires_at ON pushed_requests(expires_at);
