-- tessera: additive
-- Audit log: security events, append-only (ports/audit.ts). Indexed by time (retention purge, time filter)
-- and by account, client and type with the id, so each admin filter pages newest first without a scan.
CREATE TABLE audit_events (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at BIGINT NOT NULL,
  type TEXT NOT NULL,
  account_id TEXT,
  client_id TEXT,
  actor TEXT,
  address TEXT,
  detail TEXT
);
CREATE INDEX audit_events_at ON audit_events(at);
CREATE INDEX audit_events_account ON audit_events(account_id, id);
CREATE INDEX audit_events_client ON audit_events(client_id, id);
CREATE INDEX audit_events_type ON audit_events(type, id);
