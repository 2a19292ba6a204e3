// Child process for the SQLite crash test: writes rows in a loop and prints each id once its commit returned.
import { openSqliteStore } from '../../src/store/sqlite/index.ts';

const [file, from] = process.argv.slice(2);
if (!file || from === undefined) throw new Error('usage: sqlite-writer.ts <database file> <first id>');
const store = openSqliteStore(file);
// Rows of a few kilobytes fill the WAL fast, so checkpoints run while the parent's SIGKILL can land.
const filler = 'x'.repeat(3000);
const now = Math.floor(Date.now() / 1000);

for (let i = Number(from); ; i++) {
  await store.accounts.create({
    id: `account-${i}`,
    username: `user-${i}`,
    passwordHash: filler,
    claims: { i },
    createdAt: now,
  });
  const token = (kind: 'access_token' | 'refresh_token') => ({
    hash: `${kind}-${i}`,
    kind,
    grantId: `grant-${i}`,
    clientId: 'www',
    accountId: `account-${i}`,
    scope: 'openid',
    authTime: now,
    acr: 'urn:test',
    issuedAt: now,
    expiresAt: now + 3600,
    familyExpiresAt: kind === 'refresh_token' ? now + 86_400 : null,
    claims: filler,
    audience: null,
    jkt: null,
  });
  // The grant and both tokens in one transaction: after a crash there are all or none.
  await store.grants.openGrant(
    {
      id: `grant-${i}`,
      clientId: 'www',
      accountId: `account-${i}`,
      sessionHash: null,
      expiresAt: now + 86_400,
    },
    now,
    [token('access_token'), token('refresh_token')],
  );
  // Written to a pipe, which is synchronous on Linux: once this returns, the parent will read it.
  process.stdout.write(`ack ${i}\n`);
}
