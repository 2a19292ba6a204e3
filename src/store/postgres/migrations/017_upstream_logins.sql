-- tessera: additive
-- Login through another OpenID Provider (the oidc authenticator): upstream identities linked to local accounts,
-- unique on (issuer, subject); and the logins in flight, keyed by the hash of the browser's binding handle,
-- holding the identity not linked yet between the callback and the person's choice. Additive only: older
-- nodes never read the new tables.
CREATE TABLE upstream_identities (
  issuer TEXT NOT NULL,
  subject TEXT NOT NULL,
  account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  authenticator TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  last_used_at BIGINT,
  PRIMARY KEY (issuer, subject)
);
CREATE INDEX upstream_identities_account_id ON upstream_identities(account_id);

CREATE TABLE upstream_logins (
  handle_hash TEXT PRIMARY KEY,
  authenticator TEXT NOT NULL,
  return_to TEXT NOT NULL,
  policy TEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  pending JSONB
);
CREATE INDEX upstream_logins_expires_at ON upstream_logins(expires_at);
