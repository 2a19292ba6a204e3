// Posture over the admin services: secret ages read from the revision history, and fixes that land in a draft, never a commit.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AdminError } from '../../../src/admin/errors.ts';
import { createPostureService } from '../../../src/admin/posture/service.ts';
import type { Principal } from '../../../src/admin/principal.ts';
import { adminFixture, client, snapshotOf } from './helpers.ts';

/** A client as the create operation takes it (no stored hash: a secret is generated). */
const input = (clientId: string, extra: Record<string, unknown> = {}) => ({
  client_id: clientId,
  redirect_uris: ['https://app.example/cb'],
  ...extra,
});

const alice: Principal = { via: 'ui', username: 'alice' };
const DAY = 86_400;
const issuer = 'https://login.app.example/oauth/v2/oauth-anonymous';
const code = (error: unknown) => (error instanceof AdminError ? error.code : String(error));

test('a secret’s age is counted from the revision that set it, not from later commits', async () => {
  const fx = adminFixture();
  await fx.service.createClient(alice, input('web', { require_pkce: true }));
  const first = await fx.service.commit(alice, 'add web');
  fx.clock.advance(200 * DAY);
  await fx.service.updateClient(alice, 'web', { name: 'Web' });
  await fx.service.commit(alice, 'rename');
  fx.clock.advance(200 * DAY);
  const posture = createPostureService(fx.service, { issuer });
  const [web] = (await posture.live()).clients;
  const old = web!.warnings.find((w) => w.rule === 'secret-old');
  assert.ok(old, JSON.stringify(web));
  assert.match(old.message, new RegExp(`set 400 days ago \\(revision ${first.id},`));
  assert.deepEqual(old.fix, { kind: 'reset_secret', summary: 'generate a new secret (shown once)' });

  const fixed = await posture.fix(alice, 'web', old.id);
  assert.ok(fixed.result.secret, 'the new secret is returned once');
  assert.equal(
    (await posture.inDraft(alice, 'web'))!.warnings.length,
    0,
    'a new secret in the draft is not old',
  );
  assert.ok(
    (await posture.live()).clients[0]!.warnings.some((w) => w.rule === 'secret-old'),
    'live is unchanged until a commit',
  );
  assert.equal(
    createPostureService(fx.service, { issuer, secretMaxAge: 500 * DAY }).live instanceof Function,
    true,
  );
  const lenient = await createPostureService(fx.service, { issuer, secretMaxAge: 500 * DAY }).live();
  assert.equal(lenient.clients[0]!.warnings.length, 0, 'the age limit is the caller’s');
});

test('a fix edits the draft through the client edit functions and commits nothing', async () => {
  const fx = adminFixture();
  await fx.service.createClient(alice, input('web', { allow_plain_pkce: true }));
  await fx.service.commit(alice, 'add web');
  const posture = createPostureService(fx.service, { issuer });
  const report = await posture.live();
  assert.deepEqual(report.counts, { high: 0, medium: 2, low: 0 });
  const before = await fx.store.config.currentId();
  const { warning, result } = await posture.fix(alice, 'web', 'pkce-plain');
  assert.equal(warning.rule, 'pkce-plain');
  assert.equal(result.client.allow_plain_pkce, false);
  assert.equal(await fx.store.config.currentId(), before, 'no new revision');
  const draft = await fx.service.draft(alice);
  assert.equal(draft.changes.length, 1);
  assert.equal(draft.snapshot.clients[0]!.allow_plain_pkce, false);
  await assert.rejects(
    posture.fix(alice, 'web', 'pkce-plain'),
    (e) => code(e) === 'not_found',
    'already fixed',
  );
  await assert.rejects(posture.fix(alice, 'nobody', 'pkce-plain'), (e) => code(e) === 'not_found');
});

test('a warning without a safe fix, and a client the config file declares, are refused with the reason', async () => {
  const declared = snapshotOf({
    clients: [client('filed', { allow_plain_pkce: true, require_pkce: true })] as never,
  });
  const fx = adminFixture(declared);
  await fx.service.createClient(alice, input('filed', { allow_plain_pkce: true, require_pkce: true }));
  await fx.service.createClient(
    alice,
    input('star', { redirect_uris: ['https://app.example/*'], require_pkce: true }),
  );
  await fx.service.commit(alice, 'add');
  const posture = createPostureService(fx.service, { issuer });
  const report = await posture.live();
  assert.equal(report.clients.find((c) => c.client_id === 'filed')!.declared, true);
  await assert.rejects(posture.fix(alice, 'filed', 'pkce-plain'), (e) =>
    /declared in the config file/.test(String(e)),
  );
  const star = report.clients
    .find((c) => c.client_id === 'star')!
    .warnings.find((w) => w.rule === 'redirect-wildcard')!;
  await assert.rejects(posture.fix(alice, 'star', star.id), (e) => code(e) === 'invalid_request');
  await assert.rejects(posture.liveClient('nobody'), (e) => code(e) === 'not_found');
});
