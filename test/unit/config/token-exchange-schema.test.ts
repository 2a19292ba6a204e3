// The token-exchange policy (RFC 8693) in config: what a client's policy must say, and the references it makes.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileConfig } from '../../../src/config/live.ts';
import { clientSchema, snapshotSchema } from '../../../src/config/schema.ts';
import { validateSnapshot } from '../../../src/config/validate.ts';

const SECRET = 'svc-Secret_Q8m2Zx5Tn7Wb3Rk9Lv1Yc4Hj6Pd0Fs-Ga7Ue2IoX';
const API = 'https://orders.example/api';
const ISSUER = 'https://idp.partner.example';
const KEY = { kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid: 'k1' };
const policy = { subject_token_types: ['access_token'], audiences: [API], impersonation: true };

function issues(input: Record<string, unknown>): Map<string, string> {
  const parsed = clientSchema.safeParse({
    client_id: 'gw',
    capabilities: ['token_exchange'],
    secret: SECRET,
    ...input,
  });
  if (parsed.success) return new Map();
  return new Map(parsed.error.issues.map((i) => [i.path.join('.'), i.message]));
}

describe('token exchange policy: the client schema', () => {
  test('a confidential client with the capability and a policy is valid; defaults fill the rest', () => {
    const parsed = clientSchema.parse({
      client_id: 'gw',
      capabilities: ['token_exchange'],
      secret: SECRET,
      token_exchange: policy,
    });
    assert.deepEqual(parsed.token_exchange, {
      ...policy,
      actor_token_types: [],
      delegation: false,
      trusted_issuers: [],
      subject_clients: [],
    });
  });

  test('the capability without a policy, or a policy without the capability, is refused', () => {
    assert.match(issues({}).get('token_exchange') ?? '', /go together: give both or neither/);
    assert.match(
      issues({ capabilities: ['client_credentials'], token_exchange: policy }).get('token_exchange') ?? '',
      /go together: give both or neither/,
    );
  });

  test('a public client may not exchange tokens (RFC 8693 §5)', () => {
    const found = issues({ token_endpoint_auth_method: 'none', secret: undefined, token_exchange: policy });
    assert.match(found.get('capabilities') ?? '', /confidential/);
  });

  test('neither impersonation nor delegation, delegation without actor types, jwt without an issuer: each refused', () => {
    const neither = issues({ token_exchange: { ...policy, impersonation: false } });
    assert.match(neither.get('token_exchange.impersonation') ?? '', /impersonation, delegation or both/);
    const noActor = issues({ token_exchange: { ...policy, delegation: true } });
    assert.match(noActor.get('token_exchange.actor_token_types') ?? '', /at least one actor token type/);
    const jwt = issues({ token_exchange: { ...policy, subject_token_types: ['jwt'] } });
    assert.match(jwt.get('token_exchange.trusted_issuers') ?? '', /trusted issuer/);
    const unknownType = issues({ token_exchange: { ...policy, subject_token_types: ['saml2'] } });
    assert.ok(unknownType.has('token_exchange.subject_token_types.0'));
  });
});

describe('token exchange policy: references at commit', () => {
  const snapshot = (extra: Record<string, unknown> = {}, te: Record<string, unknown> = {}) => ({
    scopes: [{ name: 'orders:read' }],
    apis: [{ identifier: API, scopes: ['orders:read'] }],
    clients: [
      {
        client_id: 'gw',
        capabilities: ['token_exchange'],
        secret: SECRET,
        scopes: ['orders:read'],
        token_exchange: { ...policy, ...te },
      },
    ],
    ...extra,
  });

  test('an audience that is no API and an issuer nobody declared are named with their paths', () => {
    const result = validateSnapshot(
      snapshot(
        {},
        { audiences: ['https://nowhere.example/'], subject_token_types: ['jwt'], trusted_issuers: [ISSUER] },
      ),
    );
    assert.ok(!result.ok);
    assert.deepEqual(
      result.issues.map((i) => i.path),
      ['clients[0].token_exchange.audiences[0]', 'clients[0].token_exchange.trusted_issuers[0]'],
    );
  });

  test('a trusted issuer needs exactly one of jwks and jwks_uri, and appears once', () => {
    const neither = validateSnapshot(snapshot({ trusted_issuers: [{ issuer: ISSUER }] }));
    assert.ok(!neither.ok);
    assert.match(neither.issues[0]!.message, /exactly one/);
    const twice = validateSnapshot(
      snapshot({
        trusted_issuers: [
          { issuer: ISSUER, jwks: { keys: [KEY] } },
          { issuer: ISSUER, jwks: { keys: [KEY] } },
        ],
      }),
    );
    assert.ok(!twice.ok);
    assert.match(twice.issues[0]!.message, /duplicate issuer/);
  });

  test('the compiled client carries its policy; a client without one has none', () => {
    const live = compileConfig(snapshotSchema.parse(snapshot()), 1, (s) => `h:${s}`);
    assert.deepEqual(live.clients.get('gw')?.tokenExchange?.audiences, [API]);
    const plain = compileConfig(snapshotSchema.parse({ clients: [] }), 1, (s) => `h:${s}`);
    assert.equal(plain.snapshot.trusted_issuers, undefined);
  });
});
