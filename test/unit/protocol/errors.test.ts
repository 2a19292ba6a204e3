// error_description stays in the RFC 6749 §5.2 charset whatever the input: at construction and from every endpoint.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { wireError } from '../../../src/http/errors.ts';
import type { AuthorizeOutcome } from '../../../src/protocol/endpoints/authorize.ts';
import type { ClientRequest } from '../../../src/protocol/endpoints/client-request.ts';
import { introspectEndpoint } from '../../../src/protocol/endpoints/introspect.ts';
import { revokeEndpoint } from '../../../src/protocol/endpoints/revoke.ts';
import { tokenEndpoint } from '../../../src/protocol/endpoints/token.ts';
import { userinfoEndpoint } from '../../../src/protocol/endpoints/userinfo.ts';
import { MAX_DESCRIPTION_LENGTH, OAuthError, safeErrorText } from '../../../src/protocol/errors.ts';
import { TOKEN_PARAMS } from '../../../src/protocol/grants/grant.ts';
import type { RawParams } from '../../../src/protocol/params/parse.ts';
import { authorize, authorizeParams, basic, harness, login, token, WEB_SECRET } from '../helpers.ts';

/** RFC 6749 §5.2: error_description = 1*( %x20-21 / %x23-5B / %x5D-7E ). */
const CHARSET = /^[\x20-\x21\x23-\x5B\x5D-\x7E]*$/;
const RUNS = { numRuns: 300 };

/** Quotes, backslashes, NUL and other controls, non-ASCII, a lone surrogate, and form-encoding syntax. */
const NASTY = [
  '"',
  '\\',
  '\0',
  '\x1f',
  '\x7f',
  '\n',
  '\r\n',
  'é',
  '\u2028',
  '😀',
  '\ud800',
  '%22',
  '+',
  '&',
  '=',
  ' ',
];
const hostile: fc.Arbitrary<string> = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: fc.oneof(fc.constantFrom(...NASTY), fc.string({ minLength: 1, maxLength: 1 })) }),
);
/** A parameter value as a parsed form gives it: usually one string, sometimes repeated. */
const value: fc.Arbitrary<string | string[]> = fc.oneof(
  { weight: 5, arbitrary: hostile },
  { weight: 1, arbitrary: fc.array(hostile, { minLength: 1, maxLength: 3 }) },
);
const FORM = 'application/x-www-form-urlencoded';
const contentType = fc.oneof({ weight: 6, arbitrary: fc.constant(FORM) }, { weight: 1, arbitrary: hostile });
const authorization = fc.oneof(
  fc.constant(undefined),
  fc.constant(basic('web', WEB_SECRET)),
  hostile,
  hostile.map((h) => `Basic ${h}`),
  fc.tuple(hostile, hostile).map(([id, secret]) => basic(id, secret)),
  hostile.map((h) => `Basic ${Buffer.from(h).toString('base64')}`),
);
const params = (names: readonly string[]): fc.Arbitrary<RawParams> =>
  fc.record(Object.fromEntries(names.map((name) => [name, value])), { requiredKeys: [] });

function assertClean(error: OAuthError, context: unknown): void {
  assert.match(
    error.description,
    CHARSET,
    `description ${JSON.stringify(error.description)} for ${JSON.stringify(context)}`,
  );
  assert.match(wireError(error).body?.error_description ?? '', CHARSET);
  const challenge = wireError(error).headers['www-authenticate'];
  if (challenge !== undefined) assert.match(challenge, /^[\x20-\x7E]*$/);
}

describe('OAuthError: error_description in the RFC 6749 §5.2 charset', () => {
  test('any string given to the constructor comes out in the charset', () => {
    fc.assert(
      fc.property(hostile, (description) => {
        const error = new OAuthError('invalid_request', description);
        assert.match(error.description, CHARSET);
        assert.match(error.message, /^[\x20-\x7E]*$/);
      }),
      { numRuns: 2000 },
    );
  });

  test('text already in the charset is kept as it is', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(..." !#$%&'()*+,-./09:;<=>?@AZ[]^_`az{|}~") }),
        (text) => {
          assert.equal(new OAuthError('invalid_request', text).description, text);
        },
      ),
    );
  });

  test('each forbidden character becomes one readable stand-in: " to \', \\ to /, others to ?', () => {
    assert.equal(safeErrorText('grant_type "a\\b" é\0\n😀\ud800'), "grant_type 'a/b' ?????");
  });

  test('a description echoing a huge parameter is cut to a bounded length', () => {
    const error = new OAuthError('invalid_target', `"${'a'.repeat(20_000)}" is not an API`);
    assert.equal(error.description.length, MAX_DESCRIPTION_LENGTH);
    assert.ok(error.description.endsWith('...'));
  });

  test('a spec citation keeps its meaning: § is spelled out, a typographic apostrophe is a plain one', () => {
    assert.equal(
      safeErrorText('not an absolute URI (RFC 8707 §2); the client’s'),
      "not an absolute URI (RFC 8707 section 2); the client's",
    );
  });
});

describe('every endpoint answers hostile parameters with a clean error_description', () => {
  test('token endpoint', async () => {
    const h = harness();
    const names = [...TOKEN_PARAMS];
    await fc.assert(
      fc.asyncProperty(contentType, params(names), authorization, async (type, body, auth) => {
        const result = await tokenEndpoint({ contentType: type, body, authorization: auth }, h.deps);
        if (result instanceof OAuthError) assertClean(result, { type, body, auth });
      }),
      RUNS,
    );
  });

  test('token endpoint: an authenticated client naming a hostile grant_type', async () => {
    const h = harness();
    await fc.assert(
      fc.asyncProperty(hostile, async (grantType) => {
        const result = await token(h, { grant_type: grantType }, basic('web', WEB_SECRET));
        if (result instanceof OAuthError) assertClean(result, grantType);
      }),
      RUNS,
    );
    const result = await token(h, { grant_type: 'x"y\\z é' }, basic('web', WEB_SECRET));
    assert.ok(result instanceof OAuthError);
    assert.equal(result.description, "grant_type 'x'y/z ?' is not supported");
  });

  for (const [name, endpoint] of [
    ['introspection', introspectEndpoint],
    ['revocation', revokeEndpoint],
  ] as const) {
    test(`${name} endpoint`, async () => {
      const h = harness();
      await fc.assert(
        fc.asyncProperty(
          contentType,
          params(['token', 'token_type_hint', 'client_id', 'client_secret']),
          authorization,
          async (type, body, auth) => {
            const request: ClientRequest = { contentType: type, body, authorization: auth };
            const result = await endpoint(request, h.deps);
            if (result instanceof OAuthError) assertClean(result, request);
          },
        ),
        RUNS,
      );
    });
  }

  test('userinfo endpoint', async () => {
    const h = harness();
    const header = fc.oneof(
      fc.constant(undefined),
      hostile,
      hostile.map((h) => `Bearer ${h}`),
    );
    const bodyToken = fc.oneof(fc.constant(undefined), value);
    await fc.assert(
      fc.asyncProperty(header, bodyToken, async (auth, body) => {
        const result = await userinfoEndpoint({ authorization: auth, bodyToken: body }, h.deps);
        if (result instanceof OAuthError) assertClean(result, { auth, body });
      }),
      RUNS,
    );
  });

  test('authorization endpoint: error pages and error redirects', async () => {
    const h = harness();
    const session = await login(h);
    const names = [
      'response_type',
      'response_mode',
      'scope',
      'prompt',
      'claims',
      'nonce',
      'state',
      'max_age',
      'code_challenge',
      'code_challenge_method',
      'id_token_hint',
      'login_hint',
      'redirect_uri',
      'client_id',
    ];
    const claims = fc
      .dictionary(hostile, fc.oneof(fc.constant(null), hostile), { maxKeys: 3 })
      .map((o) => JSON.stringify({ id_token: o, [Object.keys(o)[0] ?? 'x']: 1 }));
    const overrides = fc.tuple(params(names), fc.option(claims, { nil: undefined }));
    await fc.assert(
      fc.asyncProperty(overrides, fc.boolean(), async ([extra, claimsJson], withSession) => {
        const request = authorizeParams({
          ...extra,
          ...(claimsJson === undefined ? {} : { claims: claimsJson }),
        });
        const outcome: AuthorizeOutcome = await authorize(h, request, withSession ? session : undefined);
        if (outcome.kind === 'error_page') assertClean(outcome.error, request);
        if (outcome.kind === 'redirect' && outcome.error) {
          assertClean(outcome.error, request);
          const sent = new URL(outcome.location).searchParams.get('error_description');
          assert.match(sent ?? '', CHARSET, `redirected error_description for ${JSON.stringify(request)}`);
        }
      }),
      RUNS,
    );
  });

  test('authorization endpoint: a hostile response_type reaches the redirect clean', async () => {
    const h = harness();
    const outcome = await authorize(h, authorizeParams({ response_type: 'co"de\\ é' }), await login(h));
    assert.equal(outcome.kind, 'redirect');
    const sent = new URL(outcome.location).searchParams.get('error_description');
    assert.equal(sent, "response_type 'co'de/ ?' is not supported; use 'code'");
  });
});
