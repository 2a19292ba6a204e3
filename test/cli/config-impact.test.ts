// `tessera config diff` says what the CLI draft, a file or a rollback does to live data, counted from the database.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse, stringify } from 'yaml';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { cliRunner } from '../fixtures/cli.ts';
import { seedLiveGrants } from '../fixtures/impact-seed.ts';

const dir = mkdtempSync(join(tmpdir(), 'tessera-impact-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const tessera = cliRunner(dir);

/** Two users signed in to www with a refresh token each, as the token endpoint would have stored them. */
async function seedGrants() {
  const store = openSqliteStore(join(dir, 'tessera.db'));
  try {
    await seedLiveGrants(store, { clientId: 'www', users: 2, consented: 0, scope: 'openid offline_access' });
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
