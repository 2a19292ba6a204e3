-- tessera: additive
-- Data keys: the server's own secrets (the client-secret HMAC key, cookie signing, the admin setup link,
-- DPoP nonces, the sealing of client_secret_jwt secrets), each encrypted under the master key, so that a new
-- master key re-encrypts them instead of changing them (keys/data-keys.ts). A new table: older nodes never read it.
CREATE TABLE data_keys (
  purpose TEXT PRIMARY KEY,
  sealed TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
