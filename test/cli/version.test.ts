// `tessera --version` prints package.json's version, from the sources and from the built bundle alike.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';

const ROOT = join(import.meta.dirname, '..', '..');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
// Beside dist/ (never dist/ itself, which a running server may be using): the bundle finds package.json the same way.
const BUNDLE = join(ROOT, 'test-artifacts', 'version-bundle');
after(() => rmSync(BUNDLE, { recursive: true, force: true }));

function run(args: string[]) {
  const result = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout;
}

test('the version is semantic (MAJOR.MINOR.PATCH)', () => {
  assert.match(VERSION, /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/);
});

test('tessera --version and -V print the version in package.json, from the sources', () => {
  assert.equal(run(['--import', 'tsx', 'src/cli/index.ts', '--version']), `${VERSION}\n`);
  assert.equal(run(['--import', 'tsx', 'src/cli/index.ts', '-V']), `${VERSION}\n`);
});

test('tessera --version prints the version in package.json from the bundle scripts/build.mjs makes', () => {
  run(['scripts/build.mjs', BUNDLE]);
  assert.equal(run([join(BUNDLE, 'tessera.mjs'), '--version']), `${VERSION}\n`);
});

test('the changelog has an entry for the version', () => {
  const changelog = readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8');
  assert.match(
    changelog,
    new RegExp(`^## \\[${VERSION.replace(/\./g, '\\.')}\\] - \\d{4}-\\d{2}-\\d{2}$`, 'm'),
  );
});
