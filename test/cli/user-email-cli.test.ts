// `tessera user mark-email-verified`: an operator's explicit word is the one way besides the link; create --email
// stores the address unverified, and the marking is on the audit record.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { openLocal } from '../../src/runtime/open.ts';
import { cliRunner } from '../fixtures/cli.ts';
import { MASTER_KEY } from '../fixtures/server.ts';

const dir = mkdtempSync(join(tmpdir(), 'tessera-user-email-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const tessera = cliRunner(dir);

async function claimsOf(username: string) {
  const { store } = await openLocal({ data: dir }, { TESSERA_MASTER_KEY: MASTER_KEY, TESSERA_CONFIG: '' });
  try {
    const account = await store.accounts.findByUsername(username);
    const events = await store.audit.list({ types: ['email.verified'], limit: 10 });
    return { claims: account?.claims ?? {}, events };
  } finally {
    await store.close();
  }
}

test('user create --email stores the address unverified; mark-email-verified verifies it, recorded as cli', async () => {
  const created = tessera(['user', 'create', 'olga', '--email', 'olga@example.com'], 'user password 1\n');
  assert.equal(created.code, 0, created.err);
  assert.equal((await claimsOf('olga')).claims['email_verified'], false);
  const marked = tessera(['user', 'mark-email-verified', 'olga']);
  assert.equal(marked.code, 0, marked.err);
  assert.equal(marked.out, 'olga@example.com of user olga is verified\n');
  const { claims, events } = await claimsOf('olga');
  assert.equal(claims['email_verified'], true);
  assert.deepEqual(
    events.map((e) => [e.accountId, e.actor, e.detail]),
    [['olga', 'cli', { via: 'operator' }]],
  );
});

test('a user without an address, or no such user, is refused', () => {
  assert.equal(tessera(['user', 'create', 'pavel'], 'user password 1\n').code, 0);
  const none = tessera(['user', 'mark-email-verified', 'pavel']);
  assert.equal(none.code, 2);
  assert.match(none.err, /user pavel has no email address/);
  assert.equal(tessera(['user', 'mark-email-verified', 'nobody']).code, 2);
});
