// Security posture rules, one table row each: the rule fires on a weak client, stays quiet on a sound one, and its fix clears it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { updateClient } from '../../../src/admin/client-edits.ts';
import { clientWarnings, POSTURE_RULES } from '../../../src/admin/posture/rules.ts';
import { redirectSite, siteOf } from '../../../src/admin/posture/site.ts';
import type { PostureContext } from '../../../src/admin/posture/types.ts';
import { type ClientConfig, clientSchema } from '../../../src/config/schema.ts';
import { NOW, secrets, snapshotOf } from './helpers.ts';

const DAY = 86_400;
const context: PostureContext = {
  issuer: 'https://login.example.com/oauth/v2/oauth-anonymous',
  now: NOW,
  secretMaxAge: 365 * DAY,
};
/** A sound confidential web client on the issuer's own site: no rule fires on it. */
const sound = {
  client_id: 'web',
  redirect_uris: ['https://app.example.com/cb'],
  secret_hash: 'hmac-sha256:x',
  require_pkce: true,
};
const parse = (extra: Record<string, unknown>): ClientConfig => clientSchema.parse({ ...sound, ...extra });
const tools = {
  secrets,
  sealSecret: (s: string) => `sealed:${s}`,
  random: { token: () => 'n'.repeat(43), uuid: () => 'u' },
};

interface Row {
  rule: string;
  severity: 'high' | 'medium' | 'low';
  fires: Record<string, unknown>;
  quiet: Record<string, unknown>;
  context?: Partial<PostureContext>;
  /** false: the rule offers no automatic fix for this client. */
  fixable?: boolean;
}

const ROWS: Row[] = [
  {
    rule: 'pkce-not-required',
    severity: 'medium',
    fires: { require_pkce: false },
    quiet: { profile: undefined },
  },
  {
    rule: 'pkce-plain',
    severity: 'medium',
    fires: { allow_plain_pkce: true },
    quiet: { allow_plain_pkce: false },
  },
  {
    rule: 'refresh-without-rotation',
    severity: 'medium',
    fires: { refresh_token: { lifetime: 60 * DAY } },
    quiet: { refresh_token: { lifetime: 60 * DAY, rotation: true } },
  },
  {
    rule: 'refresh-without-rotation',
    severity: 'high',
    fires: {
      token_endpoint_auth_method: 'none',
      secret_hash: undefined,
      refresh_token: { rotation: false },
    },
    quiet: {
      token_endpoint_auth_method: 'none',
      secret_hash: undefined,
      refresh_token: { rotation: false },
      dpop_bound_access_tokens: true,
    },
  },
  {
    rule: 'access-token-long',
    severity: 'low',
    fires: { access_token_lifetime: 7_200 },
    quiet: { access_token_lifetime: 3_600 },
  },
  {
    rule: 'fapi-grade-without-dpop',
    severity: 'medium',
    fires: {
      token_endpoint_auth_method: 'private_key_jwt',
      secret_hash: undefined,
      jwks_uri: 'https://app.example.com/jwks',
      require_pushed_authorization_requests: true,
    },
    quiet: {
      token_endpoint_auth_method: 'private_key_jwt',
      secret_hash: undefined,
      jwks_uri: 'https://app.example.com/jwks',
      require_pushed_authorization_requests: true,
      dpop_bound_access_tokens: true,
    },
  },
  {
    rule: 'consent-off-third-party',
    severity: 'high',
    fires: { redirect_uris: ['https://partner.example.net/cb'] },
    quiet: { redirect_uris: ['https://partner.example.net/cb'], consent_required: true },
  },
  {
    rule: 'secret-old',
    severity: 'medium',
    fires: {},
    quiet: {},
    context: { secretSetAt: { at: NOW - 400 * DAY, revision: 3 } },
  },
  {
    rule: 'redirect-wildcard',
    severity: 'high',
    fires: { redirect_uris: ['https://app.example.com/cb', 'https://*.example.com/cb'] },
    quiet: { redirect_uris: ['https://app.example.com/cb'] },
  },
  {
    rule: 'redirect-wildcard',
    severity: 'high',
    fires: { redirect_uris: ['https://app.example.com/*'] },
    quiet: {},
    fixable: false,
  },
  {
    rule: 'redirect-forwarding',
    severity: 'medium',
    fires: { redirect_uris: ['https://app.example.com/cb', 'https://app.example.com/cb?next=/home'] },
    quiet: { redirect_uris: ['https://app.example.com/cb?lang=en'] },
  },
  {
    rule: 'redirect-localhost-name',
    severity: 'low',
    fires: {
      token_endpoint_auth_method: 'none',
      secret_hash: undefined,
      redirect_uris: ['http://localhost:8080/cb'],
    },
    quiet: {
      token_endpoint_auth_method: 'none',
      secret_hash: undefined,
      redirect_uris: ['http://127.0.0.1:8080/cb'],
    },
  },
  {
    rule: 'redirect-http-confidential',
    severity: 'low',
    fires: { redirect_uris: ['https://app.example.com/cb', 'http://127.0.0.1:9000/cb'] },
    quiet: {
      token_endpoint_auth_method: 'none',
      secret_hash: undefined,
      redirect_uris: ['http://127.0.0.1:9000/cb'],
    },
  },
];

const of = (client: ClientConfig, rule: string, extra: Partial<PostureContext> = {}) =>
  clientWarnings(client, { ...context, ...extra }).filter((w) => w.rule === rule);

test('a sound confidential client on the issuer’s site has no warning', () => {
  assert.deepEqual(clientWarnings(parse({}), context), []);
});

test('every rule has a row in this table', () => {
  assert.deepEqual(new Set(ROWS.map((r) => r.rule)), new Set(POSTURE_RULES.map((r) => r.id)));
});

describe('each rule fires on a weak client and not on a sound one; its fix is a draft edit that clears it', () => {
  for (const row of ROWS) {
    test(`${row.rule} (${row.severity}): ${JSON.stringify(row.fires)}`, () => {
      const weak = parse(row.fires);
      const warnings = of(weak, row.rule, row.context);
      assert.equal(warnings.length, 1, JSON.stringify(clientWarnings(weak, { ...context, ...row.context })));
      const [warning] = warnings;
      assert.equal(warning!.severity, row.severity);
      assert.match(warning!.reference, /^(RFC|OpenID)/);
      assert.ok(warning!.message.length > 40);
      const quietContext =
        row.rule === 'secret-old' ? { secretSetAt: { at: NOW - 30 * DAY, revision: 3 } } : {};
      assert.deepEqual(of(parse(row.quiet), row.rule, quietContext), [], 'quiet on the sound variant');
      if (row.fixable === false) return assert.equal(warning!.fix, null);
      const fix = warning!.fix!;
      const snapshot = snapshotOf({ clients: [{ ...sound, ...row.fires }] as never });
      if (fix.kind === 'reset_secret') {
        assert.equal(row.rule, 'secret-old');
        return;
      }
      const edited = updateClient(snapshot, 'web', fix.patch, tools).client;
      assert.deepEqual(of(edited, row.rule, row.context), [], `the fix (${fix.summary}) clears it`);
    });
  }
});

test('the localhost fix swaps in the loopback IP literal and keeps the port and path', () => {
  const [w] = of(parse({ redirect_uris: ['http://localhost:8080/cb?x=1'] }), 'redirect-localhost-name');
  assert.deepEqual(w!.fix, {
    kind: 'patch',
    patch: { redirect_uris: ['http://127.0.0.1:8080/cb?x=1'] },
    summary: 'replace http://localhost:8080/cb?x=1 with http://127.0.0.1:8080/cb?x=1',
  });
});

test('per-URI warnings have distinct ids that do not move when other URIs change', () => {
  const two = parse({ redirect_uris: ['https://*.a.example.com/cb', 'https://*.b.example.com/cb'] });
  const ids = of(two, 'redirect-wildcard').map((w) => w.id);
  assert.equal(new Set(ids).size, 2);
  const one = parse({ redirect_uris: ['https://*.b.example.com/cb'] });
  assert.equal(of(one, 'redirect-wildcard')[0]!.id, ids[1]);
  assert.match(ids[0]!, /^redirect-wildcard\.[\w-]{8}$/);
});

test('a secret without a known set time (file-declared, or new in a draft) is not judged', () => {
  assert.deepEqual(of(parse({}), 'secret-old'), []);
});

test('sites: subdomains share one, country-code second levels count, private-use schemes are reversed, loopback is none', () => {
  assert.equal(siteOf('login.example.com'), 'example.com');
  assert.equal(siteOf('a.b.example.co.uk'), 'example.co.uk');
  assert.equal(redirectSite('com.example.app:/cb'), 'example.com');
  assert.equal(redirectSite('http://127.0.0.1:4000/cb'), null);
  assert.deepEqual(of(parse({ redirect_uris: ['com.example.app:/cb'] }), 'consent-off-third-party'), []);
  assert.equal(of(parse({ redirect_uris: ['com.partner.app:/cb'] }), 'consent-off-third-party').length, 1);
});
