-- tessera: additive
-- Revoking a client's tokens for one account (the user withdrew consent) without a table scan.
CREATE INDEX tokens_account_client ON tokens(account_id, client_id);
