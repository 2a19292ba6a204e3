// Another provider (oidc authenticator) through the admin service: its client secret is sealed before any draft
// or revision holds it, kept when an edit gives none, replaced by a new one, never shown in views or diffs; the
// commit-time rules (issuer, secret, claim mapping, first step only) refuse with a path each.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { documentFromSnapshot, snapshotFromDocument } from '../../../src/admin/config-file.ts';
import { AdminError } from '../../../src/admin/errors.ts';
import { sealSecrets } from '../../../src/admin/seal-secrets.ts';
import { authenticatorView, snapshotView } from '../../../src/admin/views.ts';
import { authnSecretBox } from '../../../src/keys/sealed-authn.ts';
import { adminFixture, MASTER_KEY, secrets, snapshotOf } from './helpers.ts';

const alice = { via: 'ui' as const, username: 'alice' };
const SECRET = 'upstream-Secret-0f9d8c7b6a5e4d3c2b1a';
const box = authnSecretBox(MASTER_KEY);
const provider = (extra: Record<string, unknown> = {}) => ({
  id: 'acme',
  type: 'oidc' as const,
  name: 'Acme',
  issuer: 'https://login.acme.example',
  client_id: 'tessera',
  client_secret: SECRET,
  ...extra,
});

/** Why an admin call was refused: each issue as "path: message". */
async function refusal(work: Promise<unknown>): Promise<string[]> {
  try {
    await work;
  } catch (error) {
    assert.ok(error instanceof AdminError, String(error));
    return error.issues.map((i) => `${i.path}: ${i.message}`);
  }
  return assert.fail('the edit was accepted');
}

const oidcOf = (snapshot: { authenticators: readonly unknown[] }, id = 'acme') =>
  snapshot.authenticators.find((a) => (a as { id: string }).id === id) as Record<string, unknown>;

describe('oidc authenticator secrets', () => {
  test("a new provider's secret is sealed in the stored draft: the plaintext is nowhere in it, and the seal opens to it", async () => {
    const { service, store } = adminFixture();
    await service.createAuthenticator(alice, provider());
    const stored = await store.admin.drafts.get('admin:alice');
    assert.ok(stored);
    assert.doesNotMatch(JSON.stringify(stored), new RegExp(SECRET));
    const acme = oidcOf(stored.snapshot);
    assert.equal(acme['client_secret'], undefined);
    assert.equal(box.open(acme['client_secret_sealed'] as string), SECRET);
  });

  test('an update without a secret keeps the sealed one; a new secret replaces it; "none" drops it', async () => {
    const { service } = adminFixture();
    await service.createAuthenticator(alice, provider());
    const first = oidcOf((await service.draft(alice)).snapshot)['client_secret_sealed'];
    await service.updateAuthenticator(alice, 'acme', { name: 'Acme Corp' });
    assert.equal(oidcOf((await service.draft(alice)).snapshot)['client_secret_sealed'], first);
    await service.updateAuthenticator(alice, 'acme', {
      client_secret: 'a-new-upstream-secret-of-some-length',
    });
    const second = oidcOf((await service.draft(alice)).snapshot);
    assert.notEqual(second['client_secret_sealed'], first);
    assert.equal(box.open(second['client_secret_sealed'] as string), 'a-new-upstream-secret-of-some-length');
    assert.equal(second['client_secret'], undefined);
    await service.updateAuthenticator(alice, 'acme', { token_endpoint_auth_method: 'none' });
    const none = oidcOf((await service.draft(alice)).snapshot);
    assert.equal(none['client_secret_sealed'], undefined);
    assert.deepEqual(
      await refusal(
        service.updateAuthenticator(alice, 'acme', { client_secret: 'given-with-none-method-x' }),
      ),
      ['client_secret: with client authentication "none" the provider gets no secret: remove it'],
    );
  });

  test('the committed revision holds only the sealed secret; views and the diff show only that one is set', async () => {
    const { service, store } = adminFixture();
    await service.createAuthenticator(alice, provider());
    const added = (await service.draft(alice)).changes;
    assert.doesNotMatch(JSON.stringify(added), /client_secret_sealed|upstream-Secret|v1\./);
    assert.deepEqual(
      added[0]?.fields.find((f) => f.field === 'secret'),
      { field: 'secret', after: '(a secret)' },
    );
    assert.equal(added[0]?.type, 'oidc');
    const revision = await service.commit(alice, 'add acme');
    const stored = await store.config.get(revision.id);
    assert.doesNotMatch(JSON.stringify(stored), new RegExp(SECRET));
    const view = authenticatorView(stored!.snapshot.authenticators.find((a) => a.id === 'acme')!);
    assert.deepEqual(
      Object.keys(view).filter((k) => k.includes('secret')),
      ['has_client_secret'],
    );
    assert.equal((view as { has_client_secret: boolean }).has_client_secret, true);
    assert.doesNotMatch(
      JSON.stringify(snapshotView(stored!.snapshot)),
      /"client_secret"|client_secret_sealed/,
    );
    await service.updateAuthenticator(alice, 'acme', {
      client_secret: 'a-new-upstream-secret-of-some-length',
    });
    assert.deepEqual((await service.draft(alice)).changes[0]?.fields, [
      { field: 'secret', before: '(a secret)', after: '(a new secret)' },
    ]);
  });

  test('sealing at commit: a plaintext secret (an import) is sealed; without a sealer (the config file) it stays in memory as given', () => {
    const snapshot = snapshotOf({ authenticators: [provider()] });
    const sealed = oidcOf(sealSecrets(snapshot, secrets, undefined, box.seal));
    assert.equal(sealed['client_secret'], undefined);
    assert.equal(box.open(sealed['client_secret_sealed'] as string), SECRET);
    assert.equal(oidcOf(sealSecrets(snapshot, secrets))['client_secret'], SECRET);
  });

  test('import seals a given secret, round-trips an export, and refuses a seal this master key cannot open', () => {
    const { deps } = adminFixture();
    const imported = snapshotFromDocument({ authenticators: [provider()] }, deps);
    const acme = oidcOf(imported);
    assert.equal(box.open(acme['client_secret_sealed'] as string), SECRET);
    const exported = documentFromSnapshot(imported);
    assert.doesNotMatch(JSON.stringify(exported), new RegExp(SECRET));
    assert.equal(
      oidcOf(snapshotFromDocument(exported, deps))['client_secret_sealed'],
      acme['client_secret_sealed'],
    );
    const foreign = authnSecretBox(Buffer.alloc(32, 8)).seal(SECRET);
    const { client_secret: _, ...withoutSecret } = provider();
    assert.throws(
      () =>
        snapshotFromDocument({ authenticators: [{ ...withoutSecret, client_secret_sealed: foreign }] }, deps),
      (e) =>
        e instanceof AdminError &&
        e.issues[0]?.path === 'authenticators[acme].client_secret_sealed' &&
        /does not open with this server's master key/.test(e.issues[0].message),
    );
  });

  test('the API and UI never take a sealed value as input: the secret is given in plaintext only', async () => {
    const { service } = adminFixture();
    const { client_secret: _, ...withoutSecret } = provider();
    assert.deepEqual(
      await refusal(
        service.createAuthenticator(alice, { ...withoutSecret, client_secret_sealed: 'v1.x' } as never),
      ),
      ["client_secret_sealed: give the provider's secret as client_secret: Tessera seals it"],
    );
  });
});

describe('oidc authenticator rules', () => {
  test('the issuer is https (http only on loopback), without a query, fragment or credentials', async () => {
    const { service } = adminFixture();
    const issuer = (value: string) =>
      refusal(service.createAuthenticator(alice, provider({ issuer: value })));
    assert.deepEqual(await issuer('http://login.acme.example'), [
      'issuer: must use https (http only for a provider on this machine, in development)',
    ]);
    assert.deepEqual(await issuer('https://login.acme.example/?tenant=1'), [
      'issuer: must not have a query (?) or a fragment (#)',
    ]);
    assert.deepEqual(await issuer('https://login.acme.example/#x'), [
      'issuer: must not have a query (?) or a fragment (#)',
    ]);
    assert.deepEqual(await issuer('https://user:pw@login.acme.example'), [
      'issuer: must not carry a user name or password',
    ]);
    await service.createAuthenticator(alice, provider({ issuer: 'http://127.0.0.1:9000/realms/dev' }));
    await service.createAuthenticator(alice, provider({ id: 'local', issuer: 'http://localhost:9000' }));
  });

  test('a secret is required unless client authentication is none', async () => {
    const { service } = adminFixture();
    const { client_secret: _, ...withoutSecret } = provider();
    assert.deepEqual(await refusal(service.createAuthenticator(alice, withoutSecret)), [
      'client_secret: the client secret the provider issued is required (or choose client authentication "none")',
    ]);
    await service.createAuthenticator(alice, { ...withoutSecret, token_endpoint_auth_method: 'none' });
    assert.deepEqual(
      await refusal(
        service.createAuthenticator(alice, provider({ id: 'b', client_secret: 'bad\u0000secret' })),
      ),
      ['client_secret: use printable characters only (RFC 6749 Appendix A.2)'],
    );
  });

  test('claim mappings fill only profile claims Tessera keeps, never sub or the verified flags', async () => {
    const { service } = adminFixture();
    const claims = (map: Record<string, string>) =>
      refusal(service.createAuthenticator(alice, provider({ claims: map })));
    assert.match(
      (await claims({ sub: 'oid' }))[0]!,
      /^claims\.sub: the account is linked by the provider's issuer/,
    );
    assert.match(
      (await claims({ email_verified: 'email_verified' }))[0]!,
      /^claims\.email_verified: whether an email/,
    );
    assert.match((await claims({ phone_number_verified: 'x' }))[0]!, /^claims\.phone_number_verified:/);
    assert.match(
      (await claims({ groups: 'groups' }))[0]!,
      /^claims\.groups: "groups" is not a profile claim Tessera keeps: use one of name, /,
    );
    assert.match((await claims({ name: 'has space' }))[0]!, /^claims\.name: name the provider's claim/);
    // The username of a provider's new account is chosen once, when it is made: no mapping changes it.
    assert.match(
      (await claims({ preferred_username: 'upn' }))[0]!,
      /^claims\.preferred_username: the username of an account made for a provider's user/,
    );
    await service.createAuthenticator(
      alice,
      provider({ claims: { name: 'displayName', email: 'mail', address: 'address' } }),
    );
  });

  test('scopes always include openid: added when left out, repeats dropped', async () => {
    const { service } = adminFixture();
    await service.createAuthenticator(alice, provider({ scopes: ['profile', 'email', 'profile'] }));
    assert.deepEqual(oidcOf((await service.draft(alice)).snapshot)['scopes'], ['openid', 'profile', 'email']);
    await service.updateAuthenticator(alice, 'acme', { scopes: ['email'] });
    assert.deepEqual(oidcOf((await service.draft(alice)).snapshot)['scopes'], ['openid', 'email']);
  });

  test("another provider signs a person in: only a policy's first step may name it", async () => {
    const { service } = adminFixture();
    await service.createAuthenticator(alice, provider());
    await service.createPolicy(alice, { id: 'later', steps: [['username-password'], ['acme']] });
    const issues = await refusal(service.commit(alice, 'acme second'));
    assert.deepEqual(issues, [
      'policies[later].steps[1][0]: "acme" (oidc) signs a user in: it can only be the first step',
    ]);
    await service.updatePolicy(alice, 'later', { steps: [['acme', 'username-password']] });
    await service.commit(alice, 'acme first');
  });

  test('a field of another type is refused by name on update', async () => {
    const { service } = adminFixture();
    await service.createAuthenticator(alice, provider());
    const issues = await refusal(service.updateAuthenticator(alice, 'acme', { registration: false }));
    assert.match(issues.join('\n'), /registration/);
  });
});
