// The upstream's claims as Tessera keeps them: the mapping, when an email counts as verified, the username of a
// new account, and the amr/acr a trusted upstream reports.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  displayName,
  mapClaims,
  refreshedClaims,
  suggestedUsername,
  upstreamAuthentication,
  usernameCandidates,
} from '../../../../../src/authn/authenticators/oidc/claims.ts';

const DEFAULT_MAPPING = {
  name: 'name',
  given_name: 'given_name',
  family_name: 'family_name',
  email: 'email',
};

test('mapClaims fills each local claim from its upstream claim, and nothing else', () => {
  const mapped = mapClaims(
    {
      sub: 's',
      name: 'Jane Doe',
      given_name: 'Jane',
      email: 'jane@example.com',
      email_verified: true,
      groups: ['a'],
    },
    DEFAULT_MAPPING,
  );
  assert.deepEqual(mapped, {
    name: 'Jane Doe',
    given_name: 'Jane',
    email: 'jane@example.com',
    email_verified: true,
  });
});

test('mapClaims renames: a local claim may come from an upstream claim of another name', () => {
  assert.deepEqual(
    mapClaims({ displayName: 'J. Doe', upn: 'jd' }, { name: 'displayName', nickname: 'upn' }),
    {
      name: 'J. Doe',
      nickname: 'jd',
    },
  );
});

test('email_verified is the upstream flag for its own email claim only, and only a JSON true', () => {
  assert.equal(
    mapClaims({ email: 'a@b.example', email_verified: true }, { email: 'email' })['email_verified'],
    true,
  );
  assert.equal(
    mapClaims({ email: 'a@b.example', email_verified: 'true' }, { email: 'email' })['email_verified'],
    false,
  );
  assert.equal(mapClaims({ email: 'a@b.example' }, { email: 'email' })['email_verified'], false);
  // An address from another claim is not what the upstream's email_verified is about.
  assert.equal(
    mapClaims({ mail: 'a@b.example', email_verified: true }, { email: 'mail' })['email_verified'],
    false,
  );
  assert.equal(
    mapClaims(
      { phone_number: '+41 44 000 00 00', phone_number_verified: true },
      { phone_number: 'phone_number' },
    )['phone_number_verified'],
    true,
  );
});

test('mapClaims never sets sub, the verified flags, updated_at or the username, whatever the mapping says', () => {
  const mapped = mapClaims(
    { sub: 'upstream', email_verified: true, updated_at: 1, preferred_username: 'root', x: 'y' },
    {
      sub: 'sub',
      email_verified: 'email_verified',
      updated_at: 'updated_at',
      preferred_username: 'preferred_username',
      custom: 'x',
    },
  );
  assert.deepEqual(mapped, {});
});

test('values are text: control characters removed, trimmed, cut to 200; non-strings and bad emails skipped', () => {
  const mapped = mapClaims(
    {
      name: ` Ja\u0000ne\u0007 ${'x'.repeat(300)}`,
      given_name: 42,
      family_name: ['Doe'],
      email: 'not an email',
      nickname: '   ',
    },
    { ...DEFAULT_MAPPING, nickname: 'nickname' },
  );
  assert.equal(mapped['name'], `Jane ${'x'.repeat(195)}`);
  assert.equal(Object.keys(mapped).join(), 'name');
});

test('address is copied member by member, as text', () => {
  assert.deepEqual(
    mapClaims(
      { address: { locality: 'Zürich', country: 'CH', evil: 'x', region: 7 } },
      { address: 'address' },
    ),
    { address: { locality: 'Zürich', country: 'CH' } },
  );
  assert.deepEqual(mapClaims({ address: 'Main Street 1' }, { address: 'address' }), {});
});

test('refreshedClaims replaces mapped claims, keeps the rest, and moves updated_at only on a change', () => {
  const current = { preferred_username: 'jane', name: 'Jane', locale: 'de-CH', updated_at: 5 };
  assert.equal(refreshedClaims(current, { name: 'Jane' }, 100), current, 'nothing changed');
  assert.deepEqual(refreshedClaims(current, { name: 'Jane Doe' }, 100), {
    preferred_username: 'jane',
    name: 'Jane Doe',
    locale: 'de-CH',
    updated_at: 100,
  });
});

test('an address Tessera verified stays verified while the upstream sends the same one; a new one is not', () => {
  const current = { email: 'jane@example.com', email_verified: true };
  assert.equal(
    refreshedClaims(current, { email: 'jane@example.com', email_verified: false }, 1)['email_verified'],
    true,
  );
  assert.equal(
    refreshedClaims(current, { email: 'new@example.com', email_verified: false }, 1)['email_verified'],
    false,
  );
});

test('suggestedUsername: preferred_username, else the email local part, when usable as a username', () => {
  assert.equal(suggestedUsername({ preferred_username: 'jane.doe', email: 'x@y.example' }), 'jane.doe');
  assert.equal(suggestedUsername({ preferred_username: 'Jane Doe', email: 'jdoe@y.example' }), 'jdoe');
  assert.equal(suggestedUsername({ preferred_username: '-bad', email: 'ü@y.example' }), 'user');
  assert.equal(suggestedUsername({ email: 42 }), 'user');
});

test('usernameCandidates: the suggestion, then numbered, then with random tails, each a valid username', () => {
  const tails = ['ab12', 'cd34', 'ef56'];
  const candidates = usernameCandidates('jane', () => tails.shift()!);
  assert.deepEqual(candidates.slice(0, 3), ['jane', 'jane-2', 'jane-3']);
  assert.deepEqual(candidates.slice(-3), ['jane-ab12', 'jane-cd34', 'jane-ef56']);
  for (const c of usernameCandidates('x'.repeat(64), () => 'tail')) assert.ok(c.length <= 64, c);
});

test('displayName: the email, else the name, else nothing', () => {
  assert.equal(displayName({ email: 'jane@example.com', name: 'Jane' }), 'jane@example.com');
  assert.equal(displayName({ name: 'Jane' }), 'Jane');
  assert.equal(displayName({}), '');
});

test('upstreamAuthentication: nothing unless trusted; then only RFC 8176 amr values and a plain acr', () => {
  const idToken = { amr: ['pwd', 'otp', 'pwd', 'corp-sso', 7], acr: 'urn:acme:loa:2' };
  assert.deepEqual(upstreamAuthentication(false, idToken), { amr: [], acr: null });
  assert.deepEqual(upstreamAuthentication(true, idToken), { amr: ['pwd', 'otp'], acr: 'urn:acme:loa:2' });
  assert.deepEqual(upstreamAuthentication(true, { amr: 'pwd', acr: 'has space' }), { amr: [], acr: null });
});
