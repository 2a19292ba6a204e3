// KeyStore contract: one row per kid however often inserted, listed oldest first in a stable order, retired once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { key, T0, type UseStore } from './fixtures.ts';

export function keyCases(use: UseStore): void {
  const keys = () => use().keys;

  test('list of an empty store is empty', async () => {
    assert.deepEqual(await keys().list(), []);
  });

  test('an inserted key is listed with every field as given', async () => {
    await keys().insert(key());
    assert.deepEqual(await keys().list(), [key()]);
  });

  test('insert of a kid that exists keeps the first key and adds nothing', async () => {
    await keys().insert(key());
    await keys().insert(key({ publicJwk: '{"other":true}', privateKey: 'other', createdAt: T0 + 1 }));
    assert.deepEqual(await keys().list(), [key()]);
  });

  test('concurrent inserts of the same kid leave one key', async () => {
    await Promise.all(Array.from({ length: 5 }, () => keys().insert(key())));
    assert.deepEqual(await keys().list(), [key()]);
  });

  test('insertFirst inserts only while no unretired key of that algorithm exists', async () => {
    assert.equal(await keys().insertFirst(key({ kid: 'first' })), true);
    assert.equal(await keys().insertFirst(key({ kid: 'second' })), false);
    assert.equal(await keys().insertFirst(key({ kid: 'other-alg', alg: 'ES256' })), true);
    assert.deepEqual((await keys().list()).map((k) => k.kid).sort(), ['first', 'other-alg']);
  });

  test('concurrent insertFirst calls of different keys leave exactly one key for the algorithm', async () => {
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => keys().insertFirst(key({ kid: `racer-${i}` }))),
    );
    assert.equal(results.filter(Boolean).length, 1);
    assert.equal((await keys().list()).length, 1);
  });

  test('list puts the oldest key first whatever the insertion order', async () => {
    await keys().insert(key({ kid: 'kid-new', createdAt: T0 + 100 }));
    await keys().insert(key({ kid: 'kid-old', createdAt: T0 }));
    assert.deepEqual(
      (await keys().list()).map((k) => k.kid),
      ['kid-old', 'kid-new'],
    );
  });

  test('list orders keys created in the same second by kid, so every node picks the same active key', async () => {
    await keys().insert(key({ kid: 'kid-b' }));
    await keys().insert(key({ kid: 'kid-a' }));
    await keys().insert(key({ kid: 'kid-c' }));
    assert.deepEqual(
      (await keys().list()).map((k) => k.kid),
      ['kid-a', 'kid-b', 'kid-c'],
    );
  });

  test('a key inserted already retired keeps its retirement time', async () => {
    await keys().insert(key({ retiredAt: T0 + 50 }));
    assert.deepEqual(await keys().list(), [key({ retiredAt: T0 + 50 })]);
  });

  test('retire sets retiredAt on that key only', async () => {
    await keys().insert(key({ kid: 'kid-a' }));
    await keys().insert(key({ kid: 'kid-b', createdAt: T0 + 1 }));
    await keys().retire('kid-a', T0 + 100);
    assert.deepEqual(
      (await keys().list()).map((k) => [k.kid, k.retiredAt]),
      [
        ['kid-a', T0 + 100],
        ['kid-b', null],
      ],
    );
  });

  test('retire of a key already retired keeps the first retirement time', async () => {
    await keys().insert(key());
    await keys().retire('kid-a', T0 + 100);
    await keys().retire('kid-a', T0 + 200);
    assert.equal((await keys().list())[0]?.retiredAt, T0 + 100);
  });

  test('retire of an unknown kid succeeds and changes nothing', async () => {
    await keys().insert(key());
    await keys().retire('kid-nope', T0 + 100);
    assert.deepEqual(await keys().list(), [key()]);
  });

  test('delete removes that key only', async () => {
    await keys().insert(key({ kid: 'kid-a' }));
    await keys().insert(key({ kid: 'kid-b', createdAt: T0 + 1 }));
    await keys().delete('kid-a');
    assert.deepEqual(
      (await keys().list()).map((k) => k.kid),
      ['kid-b'],
    );
  });

  test('delete of an unknown kid succeeds, and a deleted kid can be inserted again', async () => {
    await keys().insert(key());
    await keys().delete('kid-nope');
    await keys().delete('kid-a');
    await keys().insert(key({ alg: 'ES256' }));
    assert.deepEqual(await keys().list(), [key({ alg: 'ES256' })]);
  });
}
