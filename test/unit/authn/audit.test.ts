// The audit recorder: the time from the clock, no secret or bad value stored, and a failed write never fails the caller.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cleanDetail, createAuditRecorder, MAX_AUDIT_VALUE } from '../../../src/authn/audit.ts';
import { FixedClock } from '../../../src/shared/clock.ts';
import { createMemoryStore } from '../../../src/store/memory/index.ts';
import type { AuditStore } from '../../../src/store/ports/index.ts';

const NOW = 1_700_000_000;

function recorder(store: AuditStore = createMemoryStore().audit) {
  const logged: string[] = [];
  const clock = new FixedClock(NOW);
  const audit = createAuditRecorder({ store, clock, log: () => ({ error: (_d, m) => logged.push(m) }) });
  return { audit, store, clock, logged };
}

test('record stamps the event with the injected clock and stores it', async () => {
  const { audit, store, clock } = recorder();
  clock.advance(42);
  await audit.record({ type: 'login.succeeded', accountId: 'alice', address: '192.0.2.1' });
  const [event] = await store.list({ limit: 1 });
  assert.equal(event?.at, NOW + 42);
  assert.equal(event?.accountId, 'alice');
  assert.equal(event?.address, '192.0.2.1');
});

test('detail keys that name a secret are dropped, whatever their value', async () => {
  const detail = cleanDetail({
    factor: 'username-password',
    password: 'hunter2',
    new_password: 'x',
    client_secret: 'x',
    code: '123456',
    authorization_code: 'x',
    refresh_token: 'x',
    accessToken: 'x',
    totp: 'x',
    otp: '123456',
    session_cookie: 'x',
    password_hash: 'x',
    pkce_verifier: 'x',
    revision: 7,
  });
  assert.deepEqual(detail, { factor: 'username-password', revision: 7 });
});

test('values that look like a secret, overlong values and control characters are dropped', () => {
  const detail = cleanDetail({
    reason: 'wrong_password',
    bearer: 'k3JxQ9vL2mZp8Rt4Wc7Yb1Nf6Hs0Dg5Ea',
    jwt: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.sig',
    nul: 'a\u0000b',
    newline: 'a\nb',
    long: 'x'.repeat(MAX_AUDIT_VALUE + 1),
    fits: 'x'.repeat(MAX_AUDIT_VALUE),
    uuid: '3f2b8c1e-4d5a-4e6f-9a7b-8c9d0e1f2a3b',
    infinite: Number.POSITIVE_INFINITY,
    ok: true,
  });
  assert.deepEqual(detail, {
    reason: 'wrong_password',
    fits: 'x'.repeat(MAX_AUDIT_VALUE),
    uuid: '3f2b8c1e-4d5a-4e6f-9a7b-8c9d0e1f2a3b',
    ok: true,
  });
});

test('detail values that are not strings, numbers or booleans, and odd key names, are dropped', () => {
  const detail = cleanDetail({
    nested: { a: 1 } as unknown as string,
    list: [1] as unknown as string,
    none: null as unknown as string,
    'has space': 'x',
    ['x'.repeat(41)]: 'x',
    kind: 'totp-app',
  });
  assert.deepEqual(detail, { kind: 'totp-app' });
  assert.equal(cleanDetail({ password: 'x' }), undefined, 'nothing left: no detail at all');
});

test('top-level fields lose control characters and are cut to length; an emptied one is left out', async () => {
  const { audit, store } = recorder();
  await audit.record({
    type: 'login.failed',
    accountId: 'al\u0000ice',
    clientId: 'c'.repeat(500),
    address: '\u0000',
  });
  const [event] = await store.list({ limit: 1 });
  assert.equal(event?.accountId, 'alice');
  assert.equal(event?.clientId, 'c'.repeat(MAX_AUDIT_VALUE));
  assert.equal('address' in (event ?? {}), false);
});

test('a failed write is logged by type only and the caller goes on: record never rejects', async () => {
  const failing: AuditStore = {
    record: async () => {
      throw new Error('database is locked');
    },
    list: async () => [],
    purge: async () => 0,
  };
  const { audit, logged } = recorder(failing);
  await audit.record({ type: 'login.failed', accountId: 'alice', detail: { reason: 'x' } });
  assert.deepEqual(logged, ['audit event login.failed not recorded']);
});

test('a logger that throws is not the caller’s problem either', async () => {
  const failing: AuditStore = {
    record: async () => Promise.reject(new Error('down')),
    list: async () => [],
    purge: async () => 0,
  };
  const audit = createAuditRecorder({
    store: failing,
    clock: new FixedClock(NOW),
    log: () => {
      throw new Error('no logger');
    },
  });
  await audit.record({ type: 'session.ended' });
});
