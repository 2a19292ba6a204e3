// KeyStore contract: one row per kid however often inserted, listed oldest first in a stable order, retired once;
// data keys one per purpose, the first kept; re-encryption replaces a value only while it is the one read.
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

  const dataKey = (purpose: string, sealed = `v1.iv.tag.${purpose}.fp-old`) => ({
    purpose,
    sealed,
    createdAt: T0,
  });

  test('resealSigningKey replaces the private key only while it is the value given, and changes nothing else', async () => {
    await keys().insert(key({ kid: 'kid-a' }));
    await keys().insert(key({ kid: 'kid-b', createdAt: T0 + 1 }));
    assert.equal(await keys().resealSigningKey('kid-a', 'v1.iv.tag.body', 'v1.iv2.tag2.body2.fp-new'), true);
    assert.equal(
      await keys().resealSigningKey('kid-a', 'v1.iv.tag.body', 'v1.lost.lost.lost.fp-x'),
      false,
      'stale',
    );
    assert.equal(await keys().resealSigningKey('kid-nope', 'v1.iv.tag.body', 'x'), false, 'unknown kid');
    assert.deepEqual(await keys().list(), [
      key({ kid: 'kid-a', privateKey: 'v1.iv2.tag2.body2.fp-new' }),
      key({ kid: 'kid-b', createdAt: T0 + 1 }),
    ]);
  });

  test('concurrent resealSigningKey calls from the same value: exactly one wins', async () => {
    await keys().insert(key());
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        keys().resealSigningKey('kid-a', 'v1.iv.tag.body', `v1.n.n.${i}.fp`),
      ),
    );
    assert.equal(results.filter(Boolean).length, 1);
    assert.equal((await keys().list())[0]?.privateKey, `v1.n.n.${results.indexOf(true)}.fp`);
  });

  test('data keys of an empty store are none; inserted ones are listed by purpose with every field as given', async () => {
    assert.deepEqual(await keys().dataKeys(), []);
    assert.equal(await keys().insertDataKey(dataKey('dpop-nonce')), true);
    assert.equal(await keys().insertDataKey(dataKey('client-secret')), true);
    assert.deepEqual(await keys().dataKeys(), [dataKey('client-secret'), dataKey('dpop-nonce')]);
  });

  test('insertDataKey of a purpose that exists keeps the first value and says it did not insert', async () => {
    await keys().insertDataKey(dataKey('client-secret', 'first'));
    assert.equal(
      await keys().insertDataKey({ ...dataKey('client-secret', 'second'), createdAt: T0 + 9 }),
      false,
    );
    assert.deepEqual(await keys().dataKeys(), [dataKey('client-secret', 'first')]);
  });

  test('concurrent insertDataKey calls for one purpose: one inserts, and its value is the one kept', async () => {
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => keys().insertDataKey(dataKey('cookie-signing', `value-${i}`))),
    );
    assert.equal(results.filter(Boolean).length, 1);
    assert.deepEqual(await keys().dataKeys(), [dataKey('cookie-signing', `value-${results.indexOf(true)}`)]);
  });

  test('resealDataKey replaces a data key only while it is the value given; concurrent ones: exactly one wins', async () => {
    await keys().insertDataKey(dataKey('admin-setup', 'old'));
    await keys().insertDataKey(dataKey('dpop-nonce', 'old'));
    assert.equal(await keys().resealDataKey('admin-setup', 'stale', 'new'), false);
    assert.equal(await keys().resealDataKey('nope', 'old', 'new'), false);
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => keys().resealDataKey('admin-setup', 'old', `new-${i}`)),
    );
    assert.equal(results.filter(Boolean).length, 1);
    assert.deepEqual(await keys().dataKeys(), [
      dataKey('admin-setup', `new-${results.indexOf(true)}`),
      dataKey('dpop-nonce', 'old'),
    ]);
  });
}
