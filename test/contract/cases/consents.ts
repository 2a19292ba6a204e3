// ConsentStore contract: at most one consent per account and client, replaced on save, listed per account.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Consent } from '../../../src/store/ports/index.ts';
import { account, consent, T0, type UseStore } from './fixtures.ts';

const byClient = (list: Consent[]) => [...list].sort((a, b) => a.clientId.localeCompare(b.clientId));

export function consentCases(use: UseStore): void {
  const consents = () => use().consents;
  // Engines may tie consents to accounts, so every case gives consent as an account that exists.
  const withAccounts = async () => {
    await use().accounts.create(account());
    await use().accounts.create(account({ id: 'acct-other', username: 'other' }));
  };

  test('find returns undefined when the account never consented to the client', async () => {
    await withAccounts();
    assert.equal(await consents().find('acct-johndoe', 'client-1'), undefined);
  });

  test('find returns a saved consent with every field as given', async () => {
    await withAccounts();
    await consents().save(consent());
    assert.deepEqual(await consents().find('acct-johndoe', 'client-1'), consent());
  });

  test('find matches both the account and the client', async () => {
    await withAccounts();
    await consents().save(consent());
    assert.equal(await consents().find('acct-johndoe', 'client-2'), undefined);
    assert.equal(await consents().find('acct-other', 'client-1'), undefined);
  });

  test('save replaces an earlier consent of the account to the same client', async () => {
    await withAccounts();
    await consents().save(consent());
    await consents().save(consent({ scope: 'openid email', createdAt: T0 + 10 }));
    assert.deepEqual(
      await consents().find('acct-johndoe', 'client-1'),
      consent({ scope: 'openid email', createdAt: T0 + 10 }),
    );
    assert.equal((await consents().list('acct-johndoe')).length, 1);
  });

  test('list returns every consent of the account, once each, and none of another account', async () => {
    await withAccounts();
    await consents().save(consent({ clientId: 'client-2', createdAt: T0 + 1 }));
    await consents().save(consent({ clientId: 'client-1' }));
    await consents().save(consent({ accountId: 'acct-other', clientId: 'client-3' }));
    assert.deepEqual(byClient(await consents().list('acct-johndoe')), [
      consent({ clientId: 'client-1' }),
      consent({ clientId: 'client-2', createdAt: T0 + 1 }),
    ]);
  });

  test('list of an account without consents is empty', async () => {
    await withAccounts();
    await consents().save(consent());
    assert.deepEqual(await consents().list('acct-other'), []);
  });

  test('delete removes the consent of that account to that client only', async () => {
    await withAccounts();
    await consents().save(consent());
    await consents().save(consent({ clientId: 'client-2' }));
    await consents().save(consent({ accountId: 'acct-other' }));
    await consents().delete('acct-johndoe', 'client-1');
    assert.equal(await consents().find('acct-johndoe', 'client-1'), undefined);
    assert.ok(await consents().find('acct-johndoe', 'client-2'));
    assert.ok(await consents().find('acct-other', 'client-1'));
  });

  test('delete of a consent that does not exist succeeds', async () => {
    await withAccounts();
    await consents().delete('acct-johndoe', 'client-9');
    assert.deepEqual(await consents().list('acct-johndoe'), []);
  });
}
