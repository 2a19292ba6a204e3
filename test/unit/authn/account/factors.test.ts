// The last-factor rule (authn/account/factors.ts policyNeeding): a removal is refused only when a step of a
// policy some client names is met now and would not be after it; implicit and unnamed policies never count.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { policyNeeding } from '../../../../src/authn/account/factors.ts';
import type { LiveConfig } from '../../../../src/config/live.ts';
import type { AuthenticatorConfig } from '../../../../src/config/schema.ts';
import { liveConfig, testSnapshot } from '../../helpers.ts';
import { authnHarness, NOW } from '../helpers.ts';

const ACCOUNT = 'acct-1';

function withPolicies(named: string[]): LiveConfig {
  const base = testSnapshot();
  return liveConfig({
    ...base,
    authenticators: [
      { id: 'username-password', type: 'html-form' },
      { id: 'app', type: 'totp' },
      { id: 'keys', type: 'passkey' },
    ],
    policies: [
      { id: 'app-only', name: 'Password and app', steps: [['username-password'], ['app']] },
      { id: 'either', name: 'Password and app or key', steps: [['username-password'], ['app', 'keys']] },
    ],
    clients: (base.clients ?? []).map((c, i) => (i === 0 ? { ...c, authentication_policies: named } : c)),
  });
}

async function setUp(named: string[], has: { totp: boolean; passkeys: number }) {
  const h = authnHarness();
  const config = withPolicies(named);
  h.deps.config = () => config;
  if (has.totp) {
    await h.store.totp.startEnrolment({
      accountId: ACCOUNT,
      secretSealed: 's',
      confirmedAt: null,
      lastStep: 0,
      createdAt: NOW,
    });
    await h.store.totp.confirm(ACCOUNT, 1, NOW);
  }
  for (let i = 0; i < has.passkeys; i++)
    await h.store.passkeys.create({
      id: `cred-${i}`,
      accountId: ACCOUNT,
      name: `Key ${i}`,
      publicKey: 'pk',
      counter: 0,
      transports: [],
      backupEligible: false,
      backedUp: false,
      createdAt: NOW,
      lastUsedAt: null,
    });
  return h;
}

const without = (type: string) => async (a: AuthenticatorConfig) => a.type !== type;
const removing = (type: string, h: Awaited<ReturnType<typeof setUp>>) =>
  policyNeeding(ACCOUNT, async (a) => (await without(type)(a)) && (await hasType(a, h)), h.deps);
const hasType = async (a: AuthenticatorConfig, h: Awaited<ReturnType<typeof setUp>>) =>
  a.type === 'totp'
    ? (await h.store.totp.find(ACCOUNT))?.confirmedAt != null
    : (await h.store.passkeys.listByAccount(ACCOUNT)).length > 0;

describe('the last factor a policy needs', () => {
  test('the only TOTP of a step that needs it is refused, naming the policy', async () => {
    const h = await setUp(['app-only'], { totp: true, passkeys: 0 });
    assert.equal((await removing('totp', h))?.name, 'Password and app');
  });

  test('a passkey is not held back by a step the account does not meet anyway (no TOTP for "app-only")', async () => {
    const h = await setUp(['app-only'], { totp: false, passkeys: 1 });
    assert.equal(await removing('passkey', h), undefined);
  });

  test('with an alternative of the same step left, either factor can go; the last one cannot', async () => {
    const both = await setUp(['either'], { totp: true, passkeys: 1 });
    assert.equal(await removing('totp', both), undefined);
    assert.equal(await removing('passkey', both), undefined);
    const keyOnly = await setUp(['either'], { totp: false, passkeys: 1 });
    assert.equal((await removing('passkey', keyOnly))?.id, 'either');
  });

  test('a configured policy no client names does not count', async () => {
    const h = await setUp([], { totp: true, passkeys: 0 });
    assert.equal(await removing('totp', h), undefined);
  });
});
