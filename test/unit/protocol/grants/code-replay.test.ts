// Code single use (RFC 6749 §4.1.2): what each outcome of a consumption means, decided in protocol/grants/code-replay.ts.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { OAuthError } from '../../../../src/protocol/errors.ts';
import { CODE_REPLAYED, codeReplayed, consumed } from '../../../../src/protocol/grants/code-replay.ts';
import { createMemoryStore } from '../../../../src/store/memory/index.ts';
import { code, T0, token } from '../../../contract/cases/fixtures.ts';

async function withCode() {
  const store = createMemoryStore();
  await store.grants.saveCode(code());
  return store;
}

describe('code replay', () => {
  test('a first consumption issues: no error', async () => {
    const store = await withCode();
    const result = await store.grants.consumeCode('code-hash-1', T0, [token()]);
    assert.equal(await consumed(result, T0, store), undefined);
    assert.equal((await store.grants.findToken('token-hash-1'))?.revoked, false);
  });

  test('a consumption that finds the code used is invalid_grant and revokes what the first one issued', async () => {
    const store = await withCode();
    await store.grants.consumeCode('code-hash-1', T0, [token()]);
    const second = await store.grants.consumeCode('code-hash-1', T0 + 1, [token({ hash: 'second' })]);
    const error = await consumed(second, T0 + 1, store);
    assert.ok(error instanceof OAuthError);
    assert.equal(error.code, 'invalid_grant');
    assert.equal(error.description, CODE_REPLAYED);
    assert.equal((await store.grants.findToken('token-hash-1'))?.revoked, true);
  });

  test('codeReplayed revokes the grant, so its unused codes cannot be consumed either', async () => {
    const store = await withCode();
    await store.grants.saveCode(code({ hash: 'sibling' }));
    await codeReplayed('grant-1', T0, store);
    assert.deepEqual(await store.grants.consumeCode('sibling', T0, [token()]), { status: 'revoked' });
  });

  test('a consumption of a revoked grant is invalid_grant and revokes nothing more', async () => {
    const store = await withCode();
    await store.grants.revokeGrant('grant-1', T0);
    const error = await consumed(await store.grants.consumeCode('code-hash-1', T0, [token()]), T0, store);
    assert.equal(error?.code, 'invalid_grant');
    assert.equal(await store.grants.findToken('token-hash-1'), undefined);
  });

  test('a consumption of an unknown code is invalid_grant', async () => {
    const store = await withCode();
    const error = await consumed(await store.grants.consumeCode('nope', T0, []), T0, store);
    assert.equal(error?.code, 'invalid_grant');
  });
});
