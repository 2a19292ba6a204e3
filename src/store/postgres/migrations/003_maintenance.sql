-- tessera: additive
-- Leases so that one process at a time runs maintenance (cleanup of expired rows) (SQLite 003, PostgreSQL types).
CREATE TABLE maintenance_leases (
  name TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  expires_at BIGINT NOT NULL
);
