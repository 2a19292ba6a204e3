// ConfigStore contract: an append-only chain of revisions, each committed only on top of the current one.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConflictError } from '../../../src/store/ports/errors.ts';
import type { Revision } from '../../../src/store/ports/index.ts';
import { revision, snapshot, T0, type UseStore } from './fixtures.ts';

export function configCases(use: UseStore): void {
  const config = () => use().config;
  /** Commits `count` revisions in a row and returns them, oldest first. */
  const chain = async (count: number): Promise<Revision[]> => {
    const out: Revision[] = [];
    for (let i = 0; i < count; i++) {
      const parent = out.at(-1)?.id ?? null;
      out.push(await config().commit(revision(parent, { message: `r${i}`, createdAt: T0 + i })));
    }
    return out;
  };

  test('an empty store has no current revision, a null current id and an empty history', async () => {
    assert.equal(await config().current(), undefined);
    assert.equal(await config().currentId(), null);
    assert.deepEqual(await config().list(10), []);
  });

  test('commit with parent null on an empty store returns the stored revision with a new id', async () => {
    const committed = await config().commit(revision(null));
    assert.equal(typeof committed.id, 'number');
    assert.deepEqual(committed, { ...revision(null), id: committed.id });
  });

  test('after a commit, current, currentId and get all return that revision', async () => {
    const committed = await config().commit(revision(null));
    assert.equal(await config().currentId(), committed.id);
    assert.deepEqual(await config().current(), committed);
    assert.deepEqual(await config().get(committed.id), committed);
  });

  test('commit on the current revision succeeds with a larger id that becomes current', async () => {
    const first = await config().commit(revision(null));
    const second = await config().commit(revision(first.id, { message: 'second' }));
    assert.ok(second.id > first.id, `${second.id} > ${first.id}`);
    assert.equal(second.parent, first.id);
    assert.equal(await config().currentId(), second.id);
    assert.equal((await config().current())?.message, 'second');
  });

  test('commit with parent null when a revision exists fails with ConflictError naming the current id', async () => {
    const first = await config().commit(revision(null));
    await assert.rejects(config().commit(revision(null)), (error: unknown) => {
      assert.ok(error instanceof ConflictError);
      assert.equal(error.current, first.id);
      return true;
    });
  });

  test('commit on a stale parent fails with ConflictError and stores nothing', async () => {
    const [first, second] = await chain(2);
    await assert.rejects(config().commit(revision(first!.id, { message: 'lost' })), (error: unknown) => {
      assert.ok(error instanceof ConflictError);
      assert.equal(error.current, second!.id);
      return true;
    });
    assert.equal(await config().currentId(), second!.id);
    assert.equal((await config().list(10)).length, 2);
  });

  test('commit on a parent that never existed fails with ConflictError', async () => {
    await assert.rejects(config().commit(revision(42)), ConflictError);
    assert.equal(await config().currentId(), null);
  });

  test('of 10 concurrent commits on the same parent exactly one succeeds, the others get ConflictError', async () => {
    const [first] = await chain(1);
    const settled = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => config().commit(revision(first!.id, { message: `racer ${i}` }))),
    );
    const won = settled.filter((s) => s.status === 'fulfilled');
    assert.equal(won.length, 1);
    for (const s of settled) {
      if (s.status === 'rejected') assert.ok(s.reason instanceof ConflictError, String(s.reason));
    }
    assert.equal((await config().list(10)).length, 2);
  });

  test('list returns revisions newest first, without snapshots', async () => {
    const revisions = await chain(3);
    const expected = revisions.reverse().map(({ snapshot: _, ...meta }) => meta);
    assert.deepEqual(await config().list(10), expected);
  });

  test('list returns at most limit revisions, the newest ones', async () => {
    const revisions = await chain(4);
    const listed = await config().list(2);
    assert.deepEqual(
      listed.map((r) => r.id),
      [revisions[3]!.id, revisions[2]!.id],
    );
  });

  test('list with limit 0 returns no revisions', async () => {
    await chain(2);
    assert.deepEqual(await config().list(0), []);
  });

  test('get returns an older revision with its own snapshot, and undefined for an unknown id', async () => {
    const [first] = await chain(1);
    await config().commit(revision(first!.id, { snapshot: snapshot('client-2') }));
    assert.deepEqual((await config().get(first!.id))?.snapshot, snapshot('client-1'));
    assert.equal(await config().get(first!.id + 1000), undefined);
  });

  test('a snapshot round-trips unchanged: nested objects, defaults, non-ASCII text', async () => {
    const committed = await config().commit(revision(null));
    const read = await config().get(committed.id);
    assert.deepEqual(read?.snapshot, snapshot());
    assert.equal(read?.snapshot.clients[0]?.name, 'Client één');
  });

  test('a revision read back is a copy: changing it does not change the stored snapshot', async () => {
    const committed = await config().commit(revision(null));
    const read = await config().current();
    read!.snapshot.clients.length = 0;
    committed.snapshot.scopes.length = 0;
    assert.deepEqual((await config().get(committed.id))?.snapshot, snapshot());
  });
}
