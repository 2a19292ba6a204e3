// Checks import directions between layers (DESIGN.md "Layers"): arrows point inward.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const SRC = resolve('src');
/** layer -> layers it may import from (itself always allowed). */
const ALLOWED = {
  shared: [],
  config: ['shared'],
  keys: ['shared', 'store/ports'],
  store: ['shared', 'config'],
  protocol: ['shared', 'config', 'store/ports', 'keys'],
  authn: ['shared', 'config', 'store/ports'],
  admin: ['shared', 'config', 'store/ports', 'keys', 'protocol', 'authn'],
  http: ['shared', 'config', 'store/ports', 'keys', 'protocol', 'authn', 'admin'],
};
/** Packages a layer must never touch: the protocol core knows no HTTP and no SQL. */
const FORBIDDEN_PACKAGES = {
  protocol: ['fastify', 'better-sqlite3', 'pg', '@fastify/'],
  authn: ['fastify', 'better-sqlite3', 'pg', '@fastify/'],
  config: ['fastify', 'better-sqlite3', 'pg'],
};

const files = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });

const layerOf = (file) => {
  const rel = relative(SRC, file).split('/');
  if (rel[0] === 'store' && rel[1] === 'ports') return 'store/ports';
  return rel.length === 1 ? rel[0].replace(/\.ts$/, '') : rel[0];
};
const topOf = (layer) => (layer === 'store/ports' ? 'store' : layer);

const problems = [];
for (const file of files(SRC)) {
  const from = layerOf(file);
  const rules = ALLOWED[topOf(from)];
  const text = readFileSync(file, 'utf8');
  for (const match of text.matchAll(/^\s*(?:import|export)[^'"]*from\s+['"]([^'"]+)['"]/gm)) {
    const spec = match[1];
    if (spec.startsWith('.')) {
      const to = layerOf(resolve(dirname(file), spec));
      if (
        rules &&
        to !== from &&
        topOf(to) !== topOf(from) &&
        !rules.includes(to) &&
        !rules.includes(topOf(to))
      ) {
        problems.push(`${relative('.', file)}: ${from} must not import ${to} (${spec})`);
      }
    } else {
      for (const banned of FORBIDDEN_PACKAGES[topOf(from)] ?? []) {
        if (spec === banned || (banned.endsWith('/') && spec.startsWith(banned))) {
          problems.push(`${relative('.', file)}: ${from} must not depend on ${spec}`);
        }
      }
    }
  }
}
if (problems.length > 0) {
  console.error(`layer check failed:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  process.exit(1);
}
console.log('layer check: ok');
