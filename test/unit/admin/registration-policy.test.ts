// The registration policy as committed config: edits keep unnamed fields, commit checks APIs, history shows and rolls it back, rebase merges it, the old server block still loads.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { stringify } from 'yaml';
import { diffSnapshots } from '../../../src/admin/diff.ts';
import { computeImpact } from '../../../src/admin/impact.ts';
import type { Principal } from '../../../src/admin/principal.ts';
import { rebaseSnapshot } from '../../../src/admin/rebase.ts';
import { ConfigError, loadConfig } from '../../../src/config/load.ts';
import { registrationPolicy, registrationSchema } from '../../../src/config/schema-registration.ts';
import { adminFixture, snapshotOf } from './helpers.ts';

const alice: Principal = { via: 'ui', username: 'alice' };
const dir = mkdtempSync(join(tmpdir(), 'tessera-registration-policy-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const policy = (input: Record<string, unknown>) => registrationSchema.parse(input);

test('a policy edit keeps the fields it does not name; commit makes it the revision, rollback takes it back', async () => {
  const fx = adminFixture();
  await fx.service.updateRegistrationPolicy(alice, { enabled: true, access: 'open' });
  await fx.service.updateRegistrationPolicy(alice, { rate_limit: 3 });
  const first = await fx.service.commit(alice, 'open registration');
  const committed = registrationPolicy(first.snapshot);
  assert.equal(committed.enabled, true);
  assert.equal(committed.access, 'open');
  assert.equal(committed.rate_limit, 3);
  assert.deepEqual(committed.grant_types, ['authorization_code', 'refresh_token'], 'defaults for the rest');

  await fx.service.clearRegistrationPolicy(alice);
  const off = await fx.service.commit(alice, 'registration off');
  assert.equal(off.snapshot.registration, undefined);
  const detail = await fx.service.revision(off.id);
  assert.ok(
    JSON.stringify(detail).includes('dynamic registration'),
    'the history shows the policy change as its own entry',
  );
  const back = await fx.service.rollback(alice, first.id);
  assert.equal(registrationPolicy(back.snapshot).access, 'open');
});

test('an unknown field or an API the server does not define is refused, naming the field', async () => {
  const fx = adminFixture();
  await assert.rejects(
    fx.service.updateRegistrationPolicy(alice, { enabeld: true }),
    (e: Error & { issues?: { path: string }[] }) =>
      Boolean(e.issues?.some((i) => i.path.startsWith('registration'))),
  );
  await assert.rejects(
    fx.service.updateRegistrationPolicy(alice, { apis: ['https://api.nowhere.example'] }),
    (e: Error & { issues?: { path: string }[] }) => e.issues?.[0]?.path === 'registration.apis[0]',
  );
  assert.equal((await fx.service.draft(alice)).exists, false, 'nothing was saved');
});

test('the diff names the policy change field by field', () => {
  const before = snapshotOf();
  const after = { ...before, registration: policy({ enabled: true }) };
  const [change] = diffSnapshots(before, after);
  assert.equal(change?.kind, 'registration');
  assert.equal(change?.action, 'added');
  assert.ok(change?.fields.some((f) => f.field === 'enabled' && f.after === true));
});

test('rebase keeps my policy edit over an unrelated newer commit, and reports two different edits as a conflict', () => {
  const base = snapshotOf();
  const mine = { ...base, registration: policy({ enabled: true }) };
  const theirs = snapshotOf({ scopes: [{ name: 'notes' }] });
  const kept = rebaseSnapshot(base, mine, theirs);
  assert.deepEqual(kept.conflicts, []);
  assert.equal(kept.snapshot.registration?.enabled, true);
  assert.deepEqual(
    kept.snapshot.scopes.map((s) => s.name),
    ['notes'],
  );
  const clash = rebaseSnapshot(base, mine, { ...base, registration: policy({ access: 'open' }) });
  assert.deepEqual(clash.conflicts, [{ kind: 'registration', id: 'dynamic registration' }]);
});

test('an old server.registration block in the file is read as the committed-config block', () => {
  const path = join(dir, 'old.yaml');
  writeFileSync(path, stringify({ server: { registration: { enabled: true, access: 'open' } } }));
  const loaded = loadConfig({ config: path }, {});
  assert.equal(loaded.declared.registration?.enabled, true);
  assert.equal(loaded.declared.registration?.access, 'open');
  assert.equal((loaded.server as Record<string, unknown>)['registration'], undefined);
});

test('the policy set both under server and at the top level is refused, naming the place to keep', () => {
  const path = join(dir, 'both.yaml');
  writeFileSync(
    path,
    stringify({ server: { registration: { enabled: true } }, registration: { enabled: false } }),
  );
  assert.throws(
    () => loadConfig({ config: path }, {}),
    (e) =>
      e instanceof ConfigError &&
      /server\.registration: .*keep only the top-level registration/.test(e.message),
  );
});

test('a file without a registration block declares none, so the committed policy stays in charge', () => {
  const path = join(dir, 'none.yaml');
  writeFileSync(path, stringify({ server: { port: 9999 } }));
  assert.equal(loadConfig({ config: path }, {}).declared.registration, undefined);
});

test('the impact of a policy change says who can register from the commit on', () => {
  const counts = { clients: new Map(), scopes: new Map(), sessions: new Map() };
  const off = snapshotOf();
  const open = { ...off, registration: policy({ enabled: true, access: 'open' }) };
  const texts = (b: typeof off, a: typeof off) => computeImpact(b, a, counts).items.map((i) => i.text);
  assert.deepEqual(texts(off, open), [
    'dynamic registration turned on',
    'anyone may register a client, without an initial access token',
  ]);
  assert.match(texts(open, off)[0] ?? '', /turned off: no client can register.*keep signing users in/);
  const gated = { ...off, registration: policy({ enabled: true }) };
  assert.deepEqual(texts(open, gated), ['registering a client now needs an initial access token']);
  assert.deepEqual(texts(gated, gated), []);
});
