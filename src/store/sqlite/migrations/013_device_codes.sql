-- tessera: additive
-- Device authorization grant (RFC 8628): one row per device authorization request, by the SHA-256 of its
-- device_code; the user code is kept only as a hash too, unique so a typed code names one request.
CREATE TABLE device_codes (
  hash TEXT PRIMARY KEY,
  user_code_hash TEXT NOT NULL UNIQUE,
  client_id TEXT NOT NULL,
  scope TEXT NOT NULL,
  resource TEXT,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'denied', 'consumed')),
  account_id TEXT,
  auth_time INTEGER,
  acr TEXT,
  amr TEXT,
  expires_at INTEGER NOT NULL,
  last_polled_at INTEGER,
  poll_interval INTEGER NOT NULL
);
CREATE INDEX device_codes_expires_at ON device_codes(expires_at);
