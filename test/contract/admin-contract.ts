// AdminStore contract: every engine's admin storage passes these cases (memory and SQLite run them; PostgreSQL next).
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { ConflictError, DuplicateError } from '../../src/store/ports/errors.ts';
import type { AdminSession, AdminUser, ApiToken, Draft, Store } from '../../src/store/ports/index.ts';
import { snapshot, T0 } from './cases/fixtures.ts';

const user = (overrides: Partial<AdminUser> = {}): AdminUser => ({
  username: 'Alice',
  passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
  createdAt: T0,
  ...overrides,
});
const session = (overrides: Partial<AdminSession> = {}): AdminSession => ({
  idHash: 'admin-session-1',
  username: 'Alice',
  createdAt: T0,
  expiresAt: T0 + 3600,
  ...overrides,
});
const token = (overrides: Partial<ApiToken> = {}): ApiToken => ({
  id: 'tok-1',
  hash: 'token-hash-1',
  name: 'ci pipeline',
  owner: 'Alice',
  createdAt: T0,
  revokedAt: null,
  ...overrides,
});
const draft = (overrides: Partial<Omit<Draft, 'version'>> = {}): Omit<Draft, 'version'> => ({
  owner: 'admin:Alice',
  base: 3,
  snapshot: snapshot(),
  updatedAt: T0,
  ...overrides,
});

/** Registers the contract for one engine; `open` returns a new, empty store for every case. */
export function adminContract(name: string, open: () => Promise<Store>): void {
  describe(`admin store contract: ${name}`, () => {
    let store: Store | undefined;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store?.close();
      store = undefined;
    });
    const admin = () => {
      if (!store) throw new Error('the contract case ran without an open store');
      return store.admin;
    };

    describe('users', () => {
      test('create then find returns the user with every field as given', async () => {
        await admin().users.create(user());
        assert.deepEqual(await admin().users.find('Alice'), user());
      });

      test('find matches the username case-insensitively and keeps its spelling', async () => {
        await admin().users.create(user());
        assert.equal((await admin().users.find('ALICE'))?.username, 'Alice');
        assert.equal(await admin().users.find('bob'), undefined);
      });

      test('create refuses a username taken in another case with DuplicateError', async () => {
        await admin().users.create(user());
        await assert.rejects(admin().users.create(user({ username: 'alice' })), DuplicateError);
      });

      test('createFirst creates the first admin and refuses once any admin exists', async () => {
        assert.equal(await admin().users.createFirst(user()), true);
        assert.equal(await admin().users.createFirst(user({ username: 'bob' })), false);
        assert.deepEqual(
          (await admin().users.list()).map((u) => u.username),
          ['Alice'],
        );
      });

      test('of several createFirst calls at once exactly one makes an account', async () => {
        const results = await Promise.all(
          ['a', 'b', 'c', 'd'].map((name) => admin().users.createFirst(user({ username: name }))),
        );
        assert.equal(results.filter(Boolean).length, 1);
        assert.equal((await admin().users.list()).length, 1);
      });

      test('list returns every admin, oldest first', async () => {
        await admin().users.create(user({ username: 'zed', createdAt: T0 }));
        await admin().users.create(user({ username: 'amy', createdAt: T0 + 5 }));
        assert.deepEqual(
          (await admin().users.list()).map((u) => u.username),
          ['zed', 'amy'],
        );
      });

      test('setupSalt keeps the first candidate and returns it to every later caller', async () => {
        assert.equal(await admin().users.setupSalt('salt-1'), 'salt-1');
        assert.equal(await admin().users.setupSalt('salt-2'), 'salt-1');
      });
    });

    describe('sessions', () => {
      beforeEach(async () => {
        await admin().users.create(user());
      });

      test('a created session is found until it expires', async () => {
        await admin().sessions.create(session());
        assert.deepEqual(await admin().sessions.find('admin-session-1', T0 + 10), session());
        assert.equal(await admin().sessions.find('admin-session-1', T0 + 3600), undefined);
      });

      test('delete removes one session; an unknown hash finds nothing', async () => {
        await admin().sessions.create(session());
        await admin().sessions.create(session({ idHash: 'admin-session-2' }));
        await admin().sessions.delete('admin-session-1');
        assert.equal(await admin().sessions.find('admin-session-1', T0), undefined);
        assert.ok(await admin().sessions.find('admin-session-2', T0), 'the other session stays');
        assert.equal(await admin().sessions.find('nope', T0), undefined);
      });

      test('deleteExpired drops expired sessions and keeps live ones', async () => {
        await admin().sessions.create(session({ idHash: 'old', expiresAt: T0 + 10 }));
        await admin().sessions.create(session({ idHash: 'new', expiresAt: T0 + 1000 }));
        await admin().sessions.deleteExpired(T0 + 10);
        assert.equal(await admin().sessions.find('old', T0), undefined);
        assert.ok(await admin().sessions.find('new', T0), 'the live session stays');
      });
    });

    describe('API tokens', () => {
      test('a created token is found by its hash with every field as given', async () => {
        await admin().tokens.create(token());
        assert.deepEqual(await admin().tokens.findByHash('token-hash-1'), token());
        assert.equal(await admin().tokens.findByHash('other'), undefined);
      });

      test('create refuses a second token with the same id or hash', async () => {
        await admin().tokens.create(token());
        await assert.rejects(admin().tokens.create(token({ hash: 'token-hash-2' })), DuplicateError);
        await assert.rejects(admin().tokens.create(token({ id: 'tok-2' })), DuplicateError);
      });

      test('list returns every token oldest first, revoked ones included', async () => {
        await admin().tokens.create(token());
        await admin().tokens.create(token({ id: 'tok-2', hash: 'h2', createdAt: T0 + 1 }));
        await admin().tokens.revoke('tok-1', T0 + 2);
        const listed = await admin().tokens.list();
        assert.deepEqual(
          listed.map((t) => [t.id, t.revokedAt]),
          [
            ['tok-1', T0 + 2],
            ['tok-2', null],
          ],
        );
      });

      test('revoke marks the token once; a second revoke or an unknown id returns false', async () => {
        await admin().tokens.create(token());
        assert.equal(await admin().tokens.revoke('tok-1', T0 + 5), true);
        assert.equal(await admin().tokens.revoke('tok-1', T0 + 9), false);
        assert.equal(await admin().tokens.revoke('tok-x', T0 + 9), false);
        assert.equal((await admin().tokens.findByHash('token-hash-1'))?.revokedAt, T0 + 5);
      });
    });

    describe('drafts', () => {
      test('no draft is stored for a new owner', async () => {
        assert.equal(await admin().drafts.get('admin:Alice'), undefined);
      });

      test('the first save expects null and returns version 1; get returns it with its snapshot intact', async () => {
        const saved = await admin().drafts.save(draft(), null);
        assert.deepEqual(saved, { ...draft(), version: 1 });
        assert.deepEqual(await admin().drafts.get('admin:Alice'), saved);
      });

      test('a save on the stored version bumps the version and replaces base and snapshot', async () => {
        await admin().drafts.save(draft(), null);
        const second = await admin().drafts.save(draft({ base: 4, snapshot: snapshot('client-2') }), 1);
        assert.equal(second.version, 2);
        const read = await admin().drafts.get('admin:Alice');
        assert.equal(read?.base, 4);
        assert.equal(read?.snapshot.clients[0]?.client_id, 'client-2');
      });

      test('a save on a stale version fails with ConflictError naming the stored version and stores nothing', async () => {
        await admin().drafts.save(draft(), null);
        await admin().drafts.save(draft({ base: 4 }), 1);
        await assert.rejects(admin().drafts.save(draft({ base: 9 }), 1), (error: unknown) => {
          assert.ok(error instanceof ConflictError, String(error));
          assert.equal(error.current, 2);
          return true;
        });
        await assert.rejects(admin().drafts.save(draft({ base: 9 }), null), ConflictError);
        assert.equal((await admin().drafts.get('admin:Alice'))?.base, 4);
      });

      test('of several saves on the same version at once exactly one wins', async () => {
        await admin().drafts.save(draft(), null);
        const settled = await Promise.allSettled(
          [5, 6, 7, 8].map((base) => admin().drafts.save(draft({ base }), 1)),
        );
        assert.equal(settled.filter((s) => s.status === 'fulfilled').length, 1);
        for (const s of settled)
          if (s.status === 'rejected') assert.ok(s.reason instanceof ConflictError, String(s.reason));
      });

      test('drafts of different owners are independent; a base of null round-trips', async () => {
        await admin().drafts.save(draft(), null);
        await admin().drafts.save(draft({ owner: 'token:tok-1', base: null }), null);
        assert.equal((await admin().drafts.get('token:tok-1'))?.base, null);
        assert.equal((await admin().drafts.get('admin:Alice'))?.base, 3);
      });

      test('delete removes the draft, and a save expecting null works again afterwards', async () => {
        await admin().drafts.save(draft(), null);
        await admin().drafts.delete('admin:Alice');
        assert.equal(await admin().drafts.get('admin:Alice'), undefined);
        assert.equal((await admin().drafts.save(draft(), null)).version, 1);
      });

      test('a draft read back is a copy: changing it does not change the stored one', async () => {
        await admin().drafts.save(draft(), null);
        const read = await admin().drafts.get('admin:Alice');
        read!.snapshot.clients.length = 0;
        assert.equal((await admin().drafts.get('admin:Alice'))?.snapshot.clients.length, 1);
      });
    });
  });
}
