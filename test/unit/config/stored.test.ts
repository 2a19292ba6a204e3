// Stored snapshots read back: an earlier version's gets today's defaults; one this version wrote is unchanged.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { snapshotSchema } from '../../../src/config/schema.ts';
import { storedSnapshot } from '../../../src/config/stored.ts';

/** A revision as 0.1.0 committed it: no apis section, clients without apis or capabilities. */
const RELEASE_0_1_0 = {
  authenticators: [{ id: 'username-password', type: 'html-form', registration: true }],
  scopes: [],
  clients: [
    {
      client_id: 'app',
      redirect_uris: ['http://localhost/callback'],
      token_endpoint_auth_method: 'client_secret_basic',
      secret_hash: 'v1.hash',
      scopes: ['openid'],
      consent_required: true,
    },
  ],
};

test("a snapshot 0.1.0 committed reads with this version's defaults for what it lacks", () => {
  const snapshot = storedSnapshot(structuredClone(RELEASE_0_1_0));
  assert.deepEqual(snapshot.apis, []);
  assert.deepEqual(snapshot.clients[0]?.apis, []);
  assert.deepEqual(snapshot.clients[0]?.capabilities, ['code']);
  assert.equal(snapshot.clients[0]?.consent_required, true, 'what was stored is kept');
  assert.equal(snapshot.clients[0]?.secret_hash, 'v1.hash');
});

test('a snapshot this version wrote reads back unchanged', () => {
  const written = snapshotSchema.parse(RELEASE_0_1_0);
  assert.deepEqual(storedSnapshot(structuredClone(written)), written);
});

test('a stored snapshot that no longer parses is handed back as stored, for the checks to report', () => {
  const odd = { ...RELEASE_0_1_0, clients: [{ client_id: 'x' }] };
  assert.equal(storedSnapshot(odd), odd);
});
