// scripts/check-layers.mjs: each kind of wrong-way edge fails the check and is named; a clean tree passes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, test } from 'node:test';

const SCRIPT = resolve('scripts/check-layers.mjs');
const made: string[] = [];
after(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A tree of files under a fresh src/ with a few clean files of each layer; returns the check's outcome. */
function check(files: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-layers-'));
  made.push(dir);
  const tree: Record<string, string> = {
    'shared/clock.ts': 'export const now = () => 0;\n',
    'http/app.ts': "import { now } from '../shared/clock.ts';\nexport const app = now;\n",
    'store/ports/index.ts': 'export interface Store { close(): void }\n',
    'store/sqlite/index.ts':
      "import type { Store } from '../ports/index.ts';\nexport const open = (): Store | null => null;\n",
    'main.ts':
      "import { app } from './http/app.ts';\nimport { open } from './store/sqlite/index.ts';\nexport { app, open };\n",
    ...files,
  };
  for (const [path, text] of Object.entries(tree)) {
    mkdirSync(dirname(join(dir, 'src', path)), { recursive: true });
    writeFileSync(join(dir, 'src', path), text);
  }
  const run = spawnSync(process.execPath, [SCRIPT, 'src'], { cwd: dir, encoding: 'utf8' });
  return { status: run.status, output: run.stdout + run.stderr };
}

test('tools may import shared, config, store/ports, keys and protocol, and http may import tools', () => {
  const { status, output } = check({
    'protocol/trace.ts': 'export interface Tracer { step(): void }\n',
    'tools/traces.ts':
      "import type { Tracer } from '../protocol/trace.ts';\nimport { now } from '../shared/clock.ts';\nimport type { Store } from '../store/ports/index.ts';\nexport type T = [Tracer, Store];\nexport { now };\n",
    'http/tools.ts': "import { now } from '../tools/traces.ts';\nexport { now };\n",
  });
  assert.equal(status, 0, output);
});

test('a clean tree passes, with imports only mentioned in comments, strings, templates and regular expressions', () => {
  const { status, output } = check({
    'cli/start.ts': [
      "// import { app } from '../http/app.ts';",
      "/* export * from '../http/app.ts'; */",
      'const text = "from \'../http/app.ts\'";',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the fixture's source holds a template literal
      "const shown = `import('../http/app.ts') ${text} from '../http/app.ts'`;",
      "const pattern = /from '..\\/http\\/app.ts'/;",
      "const ratio = 4 / 2; const other = ratio / 1; // a division, then a comment: from '../http/app.ts'",
      "export const go = () => import('../main.ts').then(() => [shown, pattern, other]);",
      '',
    ].join('\n'),
  });
  assert.equal(status, 0, output);
  assert.match(output, /layer check: ok/);
});

const wrongWay: [string, Record<string, string>, RegExp][] = [
  [
    'a static import from an inner layer to an outer one',
    { 'shared/bad.ts': "import { app } from '../http/app.ts';\nexport { app };\n" },
    /src\/shared\/bad\.ts:1: shared must not import http \(import of \.\.\/http\/app\.ts\)/,
  ],
  [
    'a static import written over several lines',
    {
      'shared/bad.ts':
        "export const x = 1;\nimport {\n  app,\n} from\n  '../http/app.ts';\nexport { app };\n",
    },
    /src\/shared\/bad\.ts:5: shared must not import http/,
  ],
  [
    'a dynamic import()',
    { 'shared/bad.ts': "export const load = () =>\n  import('../store/sqlite/index.ts');\n" },
    /src\/shared\/bad\.ts:2: shared must not import store \(dynamic import of \.\.\/store\/sqlite\/index\.ts\)/,
  ],
  [
    'cli importing http',
    { 'cli/start.ts': "import { app } from '../http/app.ts';\nexport const go = app;\n" },
    /src\/cli\/start\.ts:1: cli must not import http/,
  ],
  [
    'cli loading a concrete store with import()',
    { 'cli/local.ts': "export const go = () => import('../store/sqlite/index.ts');\n" },
    /src\/cli\/local\.ts:1: cli must not import store \(dynamic import/,
  ],
  [
    'a type-only import',
    {
      'store/ports/bad.ts': "import type { app } from '../../http/app.ts';\nexport type App = typeof app;\n",
    },
    /src\/store\/ports\/bad\.ts:1: store\/ports must not import http \(type-only import of/,
  ],
  [
    'a type written as import()',
    { 'shared/bad.ts': "export type App = typeof import('../http/app.ts');\n" },
    /src\/shared\/bad\.ts:1: shared must not import http \(dynamic import/,
  ],
  [
    'a re-export with export * from',
    { 'shared/bad.ts': "export * from '../http/app.ts';\n" },
    /src\/shared\/bad\.ts:1: shared must not import http \(export of/,
  ],
  [
    'a bare import for side effects',
    { 'shared/bad.ts': "import '../http/app.ts';\n" },
    /src\/shared\/bad\.ts:1: shared must not import http \(bare import/,
  ],
  [
    'runtime importing http',
    { 'runtime/open.ts': "import { app } from '../http/app.ts';\nexport { app };\n" },
    /src\/runtime\/open\.ts:1: runtime must not import http/,
  ],
  [
    'tools importing http (the admin UI shows the tools, not the other way round)',
    { 'tools/traces.ts': "import { app } from '../http/app.ts';\nexport { app };\n" },
    /src\/tools\/traces\.ts:1: tools must not import http/,
  ],
  [
    'tools importing the Authentication Service',
    {
      'tools/bad.ts': "import { login } from '../authn/login.ts';\nexport { login };\n",
      'authn/login.ts': 'export const login = 1;\n',
    },
    /src\/tools\/bad\.ts:1: tools must not import authn/,
  ],
  [
    'a forbidden package in the protocol core',
    {
      'protocol/bad.ts':
        "import type { FastifyInstance } from 'fastify';\nexport type App = FastifyInstance;\n",
    },
    /src\/protocol\/bad\.ts:1: protocol must not depend on fastify/,
  ],
  [
    'an import() whose target is computed',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the fixture's source holds a template literal
    { 'shared/bad.ts': 'export const load = (name: string) => import(`../${name}.ts`);\n' },
    /src\/shared\/bad\.ts:1: shared has a dynamic import whose target is not a string literal/,
  ],
  [
    'a folder that is not in the layer table',
    { 'newlayer/thing.ts': 'export const x = 1;\n' },
    /src\/newlayer\/thing\.ts: "newlayer" is not a layer/,
  ],
];

for (const [kind, files, named] of wrongWay) {
  test(`the check fails and names the edge: ${kind}`, () => {
    const { status, output } = check(files);
    assert.equal(status, 1, output);
    assert.match(output, named);
  });
}
