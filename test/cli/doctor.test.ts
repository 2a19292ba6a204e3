// `tessera doctor` against a local database: the live clients' warnings as text and JSON, exit 1 only for a high one.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { cliRunner } from '../fixtures/cli.ts';

/** 43 distinct-enough base64url characters: about 256 bits by the schema's estimate. */
const SECRET = 'aB3dE5fG7hJ9kL1mN2pQ4rS6tU8vW0xY_zC-bDfHjKn';

const dir = mkdtempSync(join(tmpdir(), 'tessera-doctor-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const tessera = cliRunner(dir, { TESSERA_BASE_URL: 'https://login.example.com' });

function importClients(clients: unknown[]) {
  const file = join(dir, 'config.yaml');
  writeFileSync(file, JSON.stringify({ clients }));
  const done = tessera(['config', 'import', file, '-m', 'clients']);
  assert.equal(done.code, 0, done.err);
}

test('doctor exits 0 with medium and low warnings, and lists each with its reference and fix', () => {
  importClients([
    {
      client_id: 'spa',
      token_endpoint_auth_method: 'none',
      redirect_uris: ['http://localhost:3000/cb'],
      allow_plain_pkce: true,
    },
  ]);
  const run = tessera(['doctor']);
  assert.equal(run.code, 0, run.err);
  assert.match(run.out, /^spa$/m);
  assert.match(run.out, /MEDIUM pkce-plain: .*\(RFC 9700 §2\.1\.1, RFC 7636 §7\.2\)/);
  assert.match(run.out, /LOW {4}redirect-localhost-name: .*\(RFC 8252 §8\.3\)/);
  assert.match(run.out, /fix: accept S256 only/);
  assert.match(run.out, /1 clients, 0 without warnings; 0 high, 1 medium, 1 low/);
});

test('doctor exits 1 when a warning is high; --json gives the same report as the API', () => {
  importClients([
    {
      client_id: 'partner',
      redirect_uris: ['https://partner.example.net/cb'],
      require_pkce: true,
      secret: SECRET,
    },
    { client_id: 'home', redirect_uris: ['https://app.example.com/cb'], require_pkce: true, secret: SECRET },
  ]);
  const run = tessera(['doctor', '--json']);
  assert.equal(run.code, 1, run.err);
  const report = JSON.parse(run.out);
  assert.deepEqual(report.counts, { high: 1, medium: 0, low: 0 });
  const partner = report.clients.find((c: { client_id: string }) => c.client_id === 'partner');
  assert.equal(partner.warnings[0].rule, 'consent-off-third-party');
  assert.deepEqual(partner.warnings[0].fix.patch, { consent_required: true });
  assert.deepEqual(report.clients.find((c: { client_id: string }) => c.client_id === 'home').warnings, []);
});

test('--secret-age takes a number of days; a new secret is not old', () => {
  assert.equal(tessera(['doctor', '--secret-age', 'soon']).code, 2);
  const run = tessera(['doctor', '--json', '--secret-age', '1']);
  assert.ok(!run.out.includes('secret-old'), 'secrets committed just now are young');
});
