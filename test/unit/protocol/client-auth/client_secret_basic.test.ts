// client_secret_basic reads base64 strictly (RFC 7617 §2, RFC 4648 §4): any other encoding is invalid_client.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { wireError } from '../../../../src/http/errors.ts';
import { strictBase64 } from '../../../../src/protocol/client-auth/client_secret_basic.ts';
import { authenticateClient } from '../../../../src/protocol/client-auth/index.ts';
import { OAuthError } from '../../../../src/protocol/errors.ts';
import { harness, WEB_SECRET } from '../../helpers.ts';

const { deps } = harness();
const authenticate = (authorization: string) => authenticateClient({ authorization, params: {} }, deps);

/** The web client's real credentials, correctly encoded: `...OQ==`. */
const GOOD = Buffer.from(`web:${WEB_SECRET}`).toString('base64');
const insert = (at: number, text: string) => GOOD.slice(0, at) + text + GOOD.slice(at);

describe('strict base64', () => {
  for (const value of ['', 'QQ==', 'QUI=', 'QUJD', '+/+/', 'ab+/cQ==', GOOD]) {
    test(`accepted: ${JSON.stringify(value)} is canonical base64`, () => {
      const bytes = strictBase64(value);
      assert.ok(bytes);
      assert.equal(bytes.toString('base64'), value);
    });
  }
  for (const value of [
    'QQ',
    'QQ=',
    'QQ===',
    'Q===',
    '====',
    'QQ=A',
    'QR==',
    'QUJ=',
    'ab-_',
    'a.b~',
    'QQ==QQ==',
  ]) {
    test(`refused: ${JSON.stringify(value)} is not canonical base64`, () => {
      assert.equal(strictBase64(value), undefined);
    });
  }
});

describe('client_secret_basic: credentials that are not valid base64 are invalid_client', () => {
  test('the correctly encoded credentials authenticate (the cases below differ only in encoding)', async () => {
    const client = await authenticate(`Basic ${GOOD}`);
    assert.ok(!(client instanceof OAuthError));
    assert.equal(client.client_id, 'web');
  });

  // Each of these decodes leniently (Buffer.from(x, 'base64')) to the right id and secret.
  const lenient: { rule: string; encoded: string }[] = [
    { rule: 'padding left off (length not a multiple of 4)', encoded: GOOD.replace(/=+$/, '') },
    { rule: 'one padding character short', encoded: GOOD.replace(/=$/, '') },
    { rule: 'trailing garbage after the padding', encoded: `${GOOD}AAAA` },
    { rule: 'an extra padding character', encoded: `${GOOD}=` },
    { rule: 'non-zero bits in the last character before the padding', encoded: GOOD.replace(/Q==$/, 'R==') },
  ];
  const alphabet: { rule: string; encoded: string }[] = [
    { rule: 'a "-" (base64url, not base64)', encoded: insert(8, '-') },
    { rule: 'a "_" (base64url, not base64)', encoded: insert(8, '_') },
    { rule: 'a "."', encoded: insert(8, '.') },
    { rule: 'a "~"', encoded: insert(8, '~') },
    { rule: 'padding in the middle', encoded: insert(8, '==') },
  ];

  test('the lenient cases would have authenticated with a lenient decoder', () => {
    for (const { rule, encoded } of lenient) {
      assert.equal(Buffer.from(encoded, 'base64').toString('utf8'), `web:${WEB_SECRET}`, rule);
    }
  });

  const headers = [
    ...[...lenient, ...alphabet].map(({ rule, encoded }) => ({ rule, header: `Basic ${encoded}` })),
    { rule: 'a space inside', header: `Basic ${insert(8, ' ')}` },
    { rule: 'a tab inside', header: `Basic ${insert(8, '\t')}` },
    { rule: 'a non-ASCII character inside', header: `Basic ${insert(8, 'é')}` },
  ];
  for (const { rule, header } of headers) {
    test(`refused with a Basic challenge: ${rule}`, async () => {
      const result = await authenticate(header);
      assert.ok(result instanceof OAuthError, `expected invalid_client, got ${JSON.stringify(result)}`);
      assert.equal(result.code, 'invalid_client');
      assert.equal(result.description, 'malformed HTTP Basic credentials');
      assert.equal(result.hint, 'challenge-basic');
      const wire = wireError(result);
      assert.equal(wire.status, 401);
      assert.match(wire.headers['www-authenticate'] ?? '', /^Basic /);
    });
  }
});
