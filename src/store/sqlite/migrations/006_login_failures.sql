-- tessera: additive
-- Failed logins per hashed (username, address), shared by every worker process on this file.
CREATE TABLE login_failures (
  key_hash TEXT PRIMARY KEY,
  failures INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX login_failures_expires_at ON login_failures(expires_at);
