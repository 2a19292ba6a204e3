// The heap limits and malloc settings of a server process: npm start, the image and --workers use the same ones.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { MALLOC_ENV, NODE_HEAP_FLAGS, workerEnv, workerExecArgv } from '../../../src/runtime/node-tuning.ts';

const root = new URL('../../../', import.meta.url);
const settings = Object.entries(MALLOC_ENV).map(([name, value]) => `${name}=${value}`);

test('npm start runs the bundle with every malloc setting and heap limit', () => {
  const start: string = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')).scripts.start;
  const server = start
    .slice(start.lastIndexOf('&&') + 2)
    .trim()
    .split(/\s+/);
  const node = server.indexOf('node');
  assert.deepEqual(server.slice(0, node).sort(), [...settings].sort());
  assert.deepEqual(server.slice(node + 1, server.indexOf('dist/tessera.mjs')), [...NODE_HEAP_FLAGS]);
});

test('the image sets the same malloc environment and runs node with the same heap limits', () => {
  const dockerfile = readFileSync(new URL('Dockerfile', root), 'utf8');
  const env = dockerfile.split('\n').find((line) => line.startsWith('ENV MALLOC_'));
  assert.deepEqual(env?.slice('ENV '.length).split(' ').sort(), [...settings].sort());
  const cmd = dockerfile.split('\n').find((line) => line.startsWith('CMD ["node"'));
  const args = JSON.parse(cmd?.slice('CMD '.length) ?? '[]') as string[];
  assert.deepEqual(args.slice(1, args.indexOf('bin/tessera.js')), [...NODE_HEAP_FLAGS]);
});

test('workers get each heap limit the primary was not started with, and keep the ones it was', () => {
  assert.deepEqual(workerExecArgv([]), [...NODE_HEAP_FLAGS]);
  assert.deepEqual(workerExecArgv(['--max-old-space-size=512']), [
    '--max-old-space-size=512',
    '--max-semi-space-size=2',
  ]);
});

test("workers get the malloc settings, the primary's own values first", () => {
  assert.deepEqual(workerEnv({}), MALLOC_ENV);
  assert.equal(workerEnv({ MALLOC_ARENA_MAX: '4' })['MALLOC_ARENA_MAX'], '4');
  assert.equal(workerEnv({ MALLOC_ARENA_MAX: '4' })['MALLOC_MMAP_THRESHOLD_'], '131072');
});
