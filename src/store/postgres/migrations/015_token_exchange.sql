-- tessera: additive
-- Token exchange (RFC 8693): an exchanged access token keeps who acts for its subject (the act claim,
-- §4.1, as JSON text) and, when its subject came from a trusted external issuer, that subject
-- ({"iss","sub"} as JSON text). Additive only: rows written before read both as NULL (no actor, a
-- local subject).
ALTER TABLE tokens ADD COLUMN act TEXT;
ALTER TABLE tokens ADD COLUMN subject TEXT;
