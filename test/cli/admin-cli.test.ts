// The admin command line against a local database: admin and user accounts, scopes, and config as code.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { parse } from 'yaml';
import { MASTER_KEY, WWW_SECRET } from '../fixtures/server.ts';

const dir = mkdtempSync(join(tmpdir(), 'tessera-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function tessera(args: string[], input = '') {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...args], {
    env: {
      ...process.env,
      TESSERA_DATA: dir,
      TESSERA_MASTER_KEY: MASTER_KEY,
      TESSERA_CONFIG: '',
      DATABASE_URL: '',
    },
    input,
    encoding: 'utf8',
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

describe('tessera admin and tessera user', () => {
  test('admin create reads the password from stdin, refuses a short one and a taken name; admin list shows it', () => {
    assert.equal(tessera(['admin', 'create', 'root'], 'short\n').code, 2);
    const ok = tessera(['admin', 'create', 'root'], 'a long admin password\n');
    assert.equal(ok.code, 0, ok.err);
    assert.equal(tessera(['admin', 'create', 'ROOT'], 'a long admin password\n').code, 2);
    assert.match(tessera(['admin', 'list']).out, /^root\tcreated /m);
  });

  test('user create, list, disable and enable', () => {
    const created = tessera(
      ['user', 'create', 'johndoe', '--email', 'john@example.com'],
      'user password 1\n',
    );
    assert.equal(created.code, 0, created.err);
    assert.match(tessera(['user', 'list']).out, /^johndoe\tactive/m);
    assert.equal(tessera(['user', 'disable', 'johndoe']).code, 0);
    assert.match(tessera(['user', 'list']).out, /^johndoe\tdisabled/m);
    assert.equal(tessera(['user', 'enable', 'johndoe']).code, 0);
    assert.equal(tessera(['user', 'disable', 'nobody']).code, 2);
    assert.equal(tessera(['user', 'create', 'johndoe'], 'user password 1\n').code, 2, 'taken');
  });
});

describe('tessera scope and tessera config', () => {
  test('scope create commits at once; a built-in name is refused with the reason', () => {
    const created = tessera(['scope', 'create', 'calendar.read', '--claim', 'calendar_id']);
    assert.equal(created.code, 0, created.err);
    assert.match(created.out, /committed revision \d+: create scope calendar.read/);
    assert.match(tessera(['scope', 'list']).out, /^calendar\.read\t\tcalendar_id$/m);
    const refused = tessera(['scope', 'create', 'openid']);
    assert.equal(refused.code, 2);
    assert.match(refused.err, /built-in/);
  });

  test('--draft collects edits; config diff shows them; config commit makes one revision', () => {
    assert.equal(tessera(['scope', 'update', 'calendar.read', '--claim', 'tz', '--draft']).code, 0);
    assert.equal(tessera(['scope', 'create', 'reports', '--draft']).code, 0);
    const diff = tessera(['config', 'diff']);
    assert.match(diff.out, /~ scope calendar\.read\n {4}claims: \+ "tz", - "calendar_id"/);
    assert.match(diff.out, /\+ scope reports/);
    const committed = tessera(['config', 'commit', '-m', 'two scope edits']);
    assert.match(committed.out, /committed revision \d+: two scope edits/);
    assert.equal(tessera(['config', 'diff']).out, 'no changes\n');
  });

  test('config export, edit, import as one commit; secrets end up hashed; history and rollback', () => {
    const file = join(dir, 'config.yaml');
    assert.equal(tessera(['config', 'export', '-o', file]).code, 0);
    const doc = parse(readFileSync(file, 'utf8'));
    assert.deepEqual(
      doc.scopes.map((s: { name: string }) => s.name),
      ['calendar.read', 'reports'],
    );
    doc.clients = [{ client_id: 'www', redirect_uris: ['http://localhost/callback'], secret: WWW_SECRET }];
    doc.scopes = doc.scopes.filter((s: { name: string }) => s.name !== 'reports');
    writeFileSync(file, JSON.stringify(doc));
    const diff = tessera(['config', 'diff', file]);
    assert.match(diff.out, /- scope reports/);
    assert.match(diff.out, /\+ client www/);
    const before = tessera(['config', 'history']).out.split('\n')[0]!.split('\t')[0];
    const imported = tessera(['config', 'import', file, '-m', 'config as code']);
    assert.equal(imported.code, 0, imported.err);
    assert.match(imported.out, /committed revision \d+: config as code/);
    const exported = tessera(['config', 'export']).out;
    assert.match(exported, /secret_hash: hmac-sha256:/);
    assert.ok(!exported.includes(WWW_SECRET), 'the plaintext secret is not stored');
    const history = tessera(['config', 'history', '--diff']).out;
    assert.match(history, /config as code\n {4}- scope reports/);
    const back = tessera(['config', 'rollback', before!]);
    assert.match(back.out, new RegExp(`roll back to revision ${before}`));
    assert.doesNotMatch(tessera(['config', 'export']).out, /client_id: www/);
  });

  test('an invalid file is refused whole, with every problem and its path', () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(
      file,
      'clients:\n  - client_id: bad\n    redirect_uris: ["http://example.com/cb#x"]\n    authenticator: nobody\n    secret_hash: x\n',
    );
    const res = tessera(['config', 'import', file]);
    assert.equal(res.code, 2);
    assert.match(res.err, /clients\[0\]\.redirect_uris\[0\]: .*fragment/);
    const unknownRef = join(dir, 'ref.yaml');
    writeFileSync(
      unknownRef,
      'clients:\n  - client_id: ref\n    redirect_uris: ["https://a.example/cb"]\n    authenticator: nobody\n    secret_hash: x\n',
    );
    assert.match(
      tessera(['config', 'import', unknownRef]).err,
      /clients\[ref\]\.authenticator: no authenticator with id "nobody"/,
    );
  });
});
