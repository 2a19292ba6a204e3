// The client resolver: committed clients first, registered ones from the store through a bounded, short-lived cache.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Client } from '../../../../src/config/live.ts';
import { createClientResolver } from '../../../../src/protocol/clients/resolver.ts';
import { FixedClock } from '../../../../src/shared/clock.ts';
import type { RegisteredClient } from '../../../../src/store/ports/index.ts';
import { liveConfig, NOW } from '../../helpers.ts';

function registered(clientId: string, change: Partial<RegisteredClient> = {}): RegisteredClient {
  return {
    clientId,
    config: { redirect_uris: ['https://app.example/cb'], token_endpoint_auth_method: 'none' },
    metadata: {},
    registrationTokenHash: 'h',
    registeredBy: 'open registration',
    address: '192.0.2.1',
    createdAt: NOW,
    updatedAt: NOW,
    lastUsedAt: null,
    disabled: false,
    ...change,
  };
}

function fakeStore(rows: RegisteredClient[]) {
  const byId = new Map(rows.map((r) => [r.clientId, r]));
  const calls = { find: 0, touch: [] as string[] };
  return {
    byId,
    calls,
    store: {
      async find(id: string) {
        calls.find++;
        return byId.get(id);
      },
      async touch(id: string) {
        calls.touch.push(id);
      },
    },
  };
}

test('a committed client is answered from the snapshot without asking the store', async () => {
  const fake = fakeStore([registered('web')]);
  const resolver = createClientResolver({
    config: () => liveConfig(),
    registered: fake.store,
    clock: new FixedClock(NOW),
  });
  const client = await resolver.find('web');
  assert.equal(client?.client_id, 'web');
  assert.equal(fake.calls.find, 0);
});

test('a registered client compiles to the same Client shape a committed one has, and its use is recorded', async () => {
  const fake = fakeStore([registered('dyn-1')]);
  const resolver = createClientResolver({
    config: () => liveConfig(),
    registered: fake.store,
    clock: new FixedClock(NOW),
  });
  const client = (await resolver.find('dyn-1')) as Client;
  assert.equal(client.public, true);
  assert.equal(client.requirePkce, true, 'a public client needs PKCE whichever way it arrived');
  assert.deepEqual(client.redirect_uris, ['https://app.example/cb']);
  assert.deepEqual(fake.calls.touch, ['dyn-1']);
});

test('a disabled or unknown registered client is not found', async () => {
  const fake = fakeStore([registered('off', { disabled: true })]);
  const resolver = createClientResolver({
    config: () => liveConfig(),
    registered: fake.store,
    clock: new FixedClock(NOW),
  });
  assert.equal(await resolver.find('off'), undefined);
  assert.equal(await resolver.find('nobody'), undefined);
});

test('a cached registration is believed for ttl seconds at most, and forget drops it at once', async () => {
  const clock = new FixedClock(NOW);
  const fake = fakeStore([registered('dyn-1')]);
  const resolver = createClientResolver({
    config: () => liveConfig(),
    registered: fake.store,
    clock,
    ttl: 5,
  });
  assert.ok(await resolver.find('dyn-1'));
  fake.byId.delete('dyn-1'); // deleted on another node
  assert.ok(await resolver.find('dyn-1'), 'within the ttl the cache answers');
  assert.equal(fake.calls.find, 1);
  clock.advance(5);
  assert.equal(await resolver.find('dyn-1'), undefined, 'after the ttl the delete is seen');
  fake.byId.set('dyn-2', registered('dyn-2'));
  assert.ok(await resolver.find('dyn-2'));
  fake.byId.delete('dyn-2');
  resolver.forget('dyn-2');
  assert.equal(await resolver.find('dyn-2'), undefined, 'forget makes this node see the delete at once');
});

test('the cache holds at most maxEntries clients', async () => {
  const rows = ['a', 'b', 'c'].map((id) => registered(id));
  const fake = fakeStore(rows);
  const resolver = createClientResolver({
    config: () => liveConfig(),
    registered: fake.store,
    clock: new FixedClock(NOW),
    maxEntries: 2,
  });
  for (const id of ['a', 'b', 'c']) await resolver.find(id);
  assert.equal(fake.calls.find, 3);
  await resolver.find('c');
  assert.equal(fake.calls.find, 3, 'the newest entry is kept');
  await resolver.find('a');
  assert.equal(fake.calls.find, 4, 'the oldest entry was dropped to stay within the bound');
});

test('a source answers only the client_ids it claims, before the store is asked', async () => {
  const fake = fakeStore([]);
  const asked: string[] = [];
  const resolver = createClientResolver({
    config: () => liveConfig(),
    registered: fake.store,
    clock: new FixedClock(NOW),
    sources: [
      {
        claims: (id) => id.startsWith('https://'),
        async find(id) {
          asked.push(id);
          return undefined;
        },
      },
    ],
  });
  await resolver.find('https://app.example/client.json');
  await resolver.find('plain');
  assert.deepEqual(asked, ['https://app.example/client.json']);
  assert.equal(fake.calls.find, 1, 'only the id the source did not claim went to the store');
});
