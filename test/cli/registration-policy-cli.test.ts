// `tessera registration policy show|set|reset`: the registration policy committed from the command line, refusals with the field.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { cliRunner } from '../fixtures/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'tessera-cli-registration-policy-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const tessera = cliRunner(dir);

test('set commits only the settings named, show prints the committed policy, reset turns it off', () => {
  const set = tessera([
    'registration',
    'policy',
    'set',
    '--enabled',
    'on',
    '--access',
    'open',
    '--scopes',
    'openid,profile',
  ]);
  assert.equal(set.code, 0, set.err);
  assert.match(set.out, /committed revision \d+: update the registration policy/);
  const more = tessera(['registration', 'policy', 'set', '--rate-limit', '3', '-m', 'tighter limit']);
  assert.equal(more.code, 0, more.err);
  const shown = JSON.parse(tessera(['registration', 'policy', 'show']).out);
  assert.equal(shown.enabled, true);
  assert.equal(shown.access, 'open');
  assert.deepEqual(shown.scopes, ['openid', 'profile']);
  assert.equal(shown.rate_limit, 3);
  assert.equal(tessera(['registration', 'policy', 'reset']).code, 0);
  assert.equal(JSON.parse(tessera(['registration', 'policy', 'show']).out).enabled, false);
});

test('a bad value is refused with the field named, and nothing is committed', () => {
  const before = tessera(['registration', 'policy', 'show']).out;
  const bad = tessera(['registration', 'policy', 'set', '--hosts', 'Bad_Host!']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.err, /redirect/i);
  const none = tessera(['registration', 'policy', 'set', '--enabled', 'maybe']);
  assert.equal(none.code, 2);
  assert.match(none.err, /--enabled: use on or off/);
  assert.equal(tessera(['registration', 'policy', 'show']).out, before);
});
