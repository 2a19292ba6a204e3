// The request-trace ring and redaction: bounded, found by id, newest first; secrets hidden, codes and tokens cut to a prefix.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateAuthorizationRequest } from '../../../src/protocol/authorize/pipeline.ts';
import type { TraceStep } from '../../../src/protocol/trace.ts';
import { redirectUriDifference } from '../../../src/tools/hints.ts';
import { redactParams, redactValue } from '../../../src/tools/redact.ts';
import { TraceRing } from '../../../src/tools/traces.ts';

const entry = (id: string) => ({
  id,
  method: 'POST',
  path: '/t',
  endpoint: 'token',
  clientId: 'www',
  params: {},
  headers: {},
});

test('the ring keeps only its capacity: the oldest request leaves and is no longer found by id', () => {
  const ring = new TraceRing(3);
  for (const id of ['a', 'b', 'c', 'd']) ring.start(entry(id));
  assert.equal(ring.size, 3);
  assert.equal(ring.get('a'), undefined);
  assert.equal(ring.get('d')?.id, 'd');
  assert.deepEqual(
    ring.find(() => true).map((r) => r.id),
    ['d', 'c', 'b'],
  );
});

test('a reused request id finds the newest request, and evicting the older one keeps the newer findable', () => {
  const ring = new TraceRing(2);
  ring.start(entry('x'));
  const second = ring.start(entry('x'));
  ring.start(entry('y'));
  assert.equal(ring.get('x'), second.record);
});

test('steps and the result are recorded on the request, and a runaway request cannot add more than 64 steps', () => {
  const ring = new TraceRing(1);
  const trace = ring.start(entry('r'));
  const step: TraceStep = { stage: 'authorize', name: 'scope', ok: true, section: 'RFC 6749 §3.3' };
  for (let i = 0; i < 100; i++) trace.step(step);
  trace.finish({ status: 400, error: 'invalid_scope' });
  assert.equal(ring.get('r')?.steps.length, 64);
  assert.equal(ring.get('r')?.result?.error, 'invalid_scope');
});

test('client_secret and Basic credentials are hidden whole; codes, verifiers, tokens, assertions and DPoP proofs keep a 6-character prefix', () => {
  const secret = 'www-Secret_4f9T2kQ7zXb8N1mR5vW3cY6hJ0pL-aE9sD2gF7u';
  assert.equal(redactValue('client_secret', secret), `[hidden, ${secret.length} chars]`);
  const basic = `Basic ${Buffer.from(`www:${secret}`).toString('base64')}`;
  assert.ok(
    !redactValue('Authorization', basic).includes(
      Buffer.from(`www:${secret}`).toString('base64').slice(0, 6),
    ),
  );
  assert.match(redactValue('authorization', 'Bearer abcdefghijklmnop'), /^Bearer abcdef… \(16 chars\)$/);
  for (const name of [
    'code',
    'code_verifier',
    'refresh_token',
    'client_assertion',
    'request',
    'dpop',
    'token',
  ])
    assert.equal(redactValue(name, 'abcdefghijklmnopqrstuvwxyz'), 'abcdef… (26 chars)', name);
  assert.equal(redactValue('code', 'abc'), '…', 'a value no longer than the prefix shows nothing');
  assert.equal(redactValue('scope', 'openid profile'), 'openid profile');
  assert.deepEqual(redactParams({ client_secret: 'x', resource: ['https://a', 'https://b'], n: 3 }), {
    client_secret: '[hidden, 1 chars]',
    resource: 'https://a | https://b',
  });
});

test('a huge plain parameter is cut at 300 characters', () => {
  assert.equal(redactValue('state', 'x'.repeat(1000)), `${'x'.repeat(300)}… (1000 chars)`);
});

test('the pipeline reports each check it ran, in order, with its section, up to the one that failed', () => {
  const steps: TraceStep[] = [];
  const config = {
    clients: new Map([
      [
        'www',
        {
          client_id: 'www',
          capabilities: new Set(['code']),
          redirect_uris: ['https://a/cb'],
          public: false,
          scopes: new Set(['openid']),
        },
      ],
    ]),
    scopes: new Map(),
  } as never;
  validateAuthorizationRequest(
    { client_id: 'www', redirect_uri: 'https://a/cb/', response_type: 'code' },
    config,
    { step: (s) => steps.push(s) },
  );
  assert.deepEqual(
    steps.map((s) => [s.name, s.ok]),
    [
      ['client', true],
      ['redirect_uri', false],
    ],
  );
  assert.equal(steps[1]!.section, 'RFC 6749 §3.1.2.3, RFC 9700 §4.1.3');
  assert.equal(steps[1]!.code, 'invalid_request');
});

test('redirect URI differences are named: trailing slash either way, case, scheme, port, query, host', () => {
  assert.match(redirectUriDifference('https://a/cb/', 'https://a/cb')!, /has a trailing slash/);
  assert.match(redirectUriDifference('https://a/cb', 'https://a/cb/')!, /lacks the trailing slash/);
  assert.match(redirectUriDifference('https://a/CB', 'https://a/cb')!, /letter case/);
  assert.match(redirectUriDifference('http://a/cb', 'https://a/cb')!, /uses http where/);
  assert.match(redirectUriDifference('https://a:8443/cb', 'https://a/cb')!, /port/);
  assert.match(redirectUriDifference('https://a/cb?x=1', 'https://a/cb')!, /query/);
  assert.match(redirectUriDifference('https://b/cb', 'https://a/cb')!, /host b/);
  assert.equal(redirectUriDifference('https://a/other', 'https://a/cb'), undefined);
});
