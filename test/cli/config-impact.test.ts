// `tessera config diff` says what the CLI draft, a file or a rollback does to live data, counted from the database.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse, stringify } from 'yaml';
import type { TokenRecord } from '../../src/store/ports/index.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { MASTER_KEY } from '../fixtures/server.ts';

const dir = mkdtempSync(join(tmpdir(), 'tessera-impact-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function tessera(args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...args], {
    env: {
      ...process.env,
      TESSERA_DATA: dir,
      TESSERA_MASTER_KEY: MASTER_KEY,
      TESSERA_CONFIG: '',
      DATABASE_URL: '',
    },
    encoding: 'utf8',
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

/** Two users signed in to www with a refresh token each, as the token endpoint would have stored them. */
async function seedGrants() {
  const store = openSqliteStore(join(dir, 'tessera.db'));
  const now = Math.floor(Date.now() / 1000);
  try {
    for (const id of ['alice', 'bob']) {
      await store.accounts.create({ id, username: id, passwordHash: 'x', claims: {}, createdAt: now });
      const t = (kind: TokenRecord['kind']): TokenRecord => ({
        hash: `${kind}-${id}`,
        kind,
        grantId: `grant-${id}`,
        clientId: 'www',
        accountId: id,
        scope: 'openid offline_access',
        authTime: now,
        acr: '0',
        issuedAt: now,
        expiresAt: now + 3600,
        familyExpiresAt: null,
        claims: null,
        audience: null,
        jkt: null,
      });
      const grant = {
        id: `grant-${id}`,
        clientId: 'www',
        accountId: id,
        sessionHash: null,
        expiresAt: now + 3600,
      };
      await store.grants.openGrant(grant, now, [t('access_token'), t('refresh_token')]);
    }
  } finally {
    await store.close();
  }
}

/** The live configuration exported, changed by `edit`, written to a file for `config diff FILE` or `import --draft`. */
function editedExport(name: string, edit: (doc: { clients: Record<string, unknown>[] }) => void): string {
  const file = join(dir, `${name}.yaml`);
  assert.equal(tessera(['config', 'export', '-o', file]).code, 0);
  const doc = parse(readFileSync(file, 'utf8'));
  edit(doc);
  writeFileSync(file, stringify(doc));
  return file;
}

describe('tessera config diff: commit impact', () => {
  let created: number;
  before(async () => {
    assert.equal(tessera(['scope', 'create', 'reports']).code, 0);
    const made = tessera([
      'client',
      'create',
      '--id',
      'www',
      '--redirect-uri',
      'https://www.example/cb',
      '--scope',
      'openid',
      '--scope',
      'offline_access',
    ]);
    assert.equal(made.code, 0, made.err);
    created = Number(/revision (\d+)/.exec(made.out)![1]);
    await seedGrants();
  });

  test('a file without the client: its live grants end and its refresh tokens become unusable', () => {
    const file = editedExport('removed', (doc) => {
      doc.clients = [];
    });
    const diff = tessera(['config', 'diff', file]);
    assert.equal(diff.code, 0, diff.err);
    assert.match(diff.out, /^- client www$/m);
    assert.match(diff.out, /\* 2 refresh tokens become unusable/);
    assert.match(
      diff.out,
      /\[ends\] client www is removed: its 2 live grants end; 2 refresh tokens and 2 access tokens become unusable/,
    );
  });

  test('the CLI draft: offline_access taken away and refresh tokens off, each counted', () => {
    const file = editedExport('narrowed', (doc) => {
      const www = doc.clients[0]!;
      www['scopes'] = ['openid'];
      www['refresh_token'] = { enabled: false, lifetime: 86400, reuse_grace: 0 };
    });
    assert.equal(tessera(['config', 'import', '--draft', file]).code, 0);
    const diff = tessera(['config', 'diff']).out;
    assert.match(diff, /scopes: - offline_access/);
    assert.match(diff, /\* 1 client loses offline_access/);
    assert.match(diff, /\* 2 refresh tokens become unusable/);
    assert.match(
      diff,
      /\[limits\] www loses offline_access: new authorization requests for it are refused\n/,
    );
    assert.equal(tessera(['config', 'discard']).code, 0);
  });

  test('config diff --rollback shows what rolling back to before the client would remove, before it happens', () => {
    const preview = tessera(['config', 'diff', '--rollback', String(created - 1)]);
    assert.equal(preview.code, 0, preview.err);
    assert.match(preview.out, new RegExp(`# rolling back from revision ${created} to ${created - 1}`));
    assert.match(preview.out, /^- client www$/m);
    assert.match(preview.out, /its 2 live grants end/);
  });

  test('no changes: no diff and no impact lines', () => {
    assert.equal(tessera(['config', 'diff']).out, 'no changes\n');
  });
});
