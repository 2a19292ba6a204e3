// Authentication policies, pure: which steps a session's factors meet, the amr they earn, and what a commit refuses.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { amrOf, compilePolicy, implicitPolicy, satisfaction } from '../../../src/config/policies.ts';
import { snapshotSchema } from '../../../src/config/schema.ts';
import { validateSnapshot } from '../../../src/config/validate.ts';

const mfa = compilePolicy({
  id: 'mfa',
  steps: [['username-password'], ['app-codes', 'passkeys']],
  enrol: true,
});
const pwd = { authenticator: 'username-password', amr: ['pwd'] };
const otp = { authenticator: 'app-codes', amr: ['otp'] };

describe('satisfaction', () => {
  test('a password-only session meets step 1 of password-then-TOTP: the next step is asked, not a login', () => {
    assert.deepEqual(satisfaction(mfa, [pwd]), { kind: 'partial', step: 1 });
  });
  test('password and TOTP meet every step, with amr pwd otp mfa', () => {
    assert.deepEqual(satisfaction(mfa, [pwd, otp]), { kind: 'complete', amr: ['pwd', 'otp', 'mfa'] });
  });
  test('a session signed in by an authenticator the first step does not accept needs a new login', () => {
    assert.deepEqual(satisfaction(mfa, [{ authenticator: 'staff', amr: ['pwd'] }, otp]), { kind: 'login' });
    assert.deepEqual(satisfaction(mfa, []), { kind: 'login' });
  });
  test('a second factor cannot stand in for the first even when listed first in the session', () => {
    assert.deepEqual(satisfaction(mfa, [otp, pwd]), { kind: 'login' });
  });
  test("the implicit policy keeps the seed's acr and needs only the client's authenticator", () => {
    const implicit = implicitPolicy({ id: 'username-password', type: 'html-form' });
    assert.equal(implicit.acr, 'urn:tessera:authentication:html-form:username-password');
    assert.deepEqual(satisfaction(implicit, [pwd]), { kind: 'complete', amr: ['pwd'] });
  });
  test('the acr defaults to urn:tessera:policy:<id>', () => {
    assert.equal(mfa.acr, 'urn:tessera:policy:mfa');
  });
});

describe('amr (RFC 8176 §2)', () => {
  test('mfa only for factors of two different kinds, each value once', () => {
    assert.deepEqual(amrOf([pwd]), ['pwd']);
    assert.deepEqual(
      amrOf([pwd, { authenticator: 'x', amr: ['pwd'] }]),
      ['pwd'],
      'two passwords are one kind',
    );
    assert.deepEqual(amrOf([otp, { authenticator: 'k', amr: ['hwk', 'user'] }]), ['otp', 'hwk', 'user']);
    assert.deepEqual(amrOf([pwd, { authenticator: 'k', amr: ['hwk', 'user'] }]), [
      'pwd',
      'hwk',
      'user',
      'mfa',
    ]);
  });
});

describe('policy validation at commit', () => {
  const base = {
    authenticators: [
      { id: 'username-password', type: 'html-form' },
      { id: 'app-codes', type: 'totp' },
    ],
    clients: [],
  };
  const issues = (extra: Record<string, unknown>) => {
    const result = validateSnapshot({ ...base, ...extra });
    return result.ok ? [] : result.issues.map((i) => `${i.path}: ${i.message}`);
  };

  test('a valid password-then-TOTP policy and a client naming it commit', () => {
    const client = {
      client_id: 'c',
      redirect_uris: ['https://c.example/cb'],
      secret_hash: 'h',
      authentication_policies: ['mfa'],
    };
    assert.deepEqual(
      issues({ policies: [{ id: 'mfa', steps: [['username-password'], ['app-codes']] }], clients: [client] }),
      [],
    );
    assert.equal(
      snapshotSchema.parse({ policies: [{ id: 'mfa', steps: [['username-password']] }] }).policies?.[0]
        ?.enrol,
      true,
    );
  });
  test('an unknown authenticator id is refused with its path', () => {
    assert.deepEqual(issues({ policies: [{ id: 'p', steps: [['username-password'], ['nope']] }] }), [
      'policies[0].steps[1][0]: no authenticator with id "nope"',
    ]);
  });
  test('TOTP in the first step is refused: a second factor cannot sign a user in', () => {
    const [issue] = issues({ policies: [{ id: 'p', steps: [['app-codes']] }] });
    assert.match(issue!, /^policies\[0\]\.steps\[0\]\[0\]: "app-codes" \(totp\) is a second factor/);
  });
  test('an empty step and a policy without steps are refused', () => {
    assert.match(
      issues({ policies: [{ id: 'p', steps: [['username-password'], []] }] }).join(),
      /policies\[0\]\.steps\[1\]: a step needs at least one authenticator/,
    );
    assert.match(
      issues({ policies: [{ id: 'p', steps: [] }] }).join(),
      /policies\[0\]\.steps: a policy needs at least one step/,
    );
  });
  test('duplicate acr values are refused, also against an authenticator’s implicit acr', () => {
    const dup = issues({
      policies: [
        { id: 'a', acr: 'urn:x', steps: [['username-password']] },
        { id: 'b', acr: 'urn:x', steps: [['username-password']] },
        {
          id: 'c',
          acr: 'urn:tessera:authentication:html-form:username-password',
          steps: [['username-password']],
        },
      ],
    });
    assert.deepEqual(dup, [
      'policies[1].acr: acr "urn:x" is already used by policy "a"',
      'policies[2].acr: acr "urn:tessera:authentication:html-form:username-password" is already used by authenticator "username-password"',
    ]);
  });
  test('a client naming an unknown policy, or a TOTP authenticator as its login, is refused', () => {
    const client = { client_id: 'c', redirect_uris: ['https://c.example/cb'], secret_hash: 'h' };
    assert.deepEqual(issues({ clients: [{ ...client, authentication_policies: ['gone'] }] }), [
      'clients[0].authentication_policies[0]: no policy with id "gone"',
    ]);
    assert.match(
      issues({ clients: [{ ...client, authenticator: 'app-codes' }] }).join(),
      /clients\[0\]\.authenticator: "app-codes" is a second factor/,
    );
  });
});
