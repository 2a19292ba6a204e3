// Checks import directions between layers (docs/architecture.md "Layers"): arrows point inward.
// Usage: node scripts/check-layers.mjs [root]   (root defaults to ./src; exits 1 naming each wrong-way edge)
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/** layer -> layers it may import from (itself always allowed). `store` means every store; `store/ports` only the ports. */
const ALLOWED = {
  shared: [],
  config: ['shared'],
  keys: ['shared', 'store/ports'],
  store: ['shared', 'config'],
  protocol: ['shared', 'config', 'store/ports', 'keys'],
  authn: ['shared', 'config', 'store/ports'],
  admin: ['shared', 'config', 'store/ports', 'keys', 'protocol', 'authn'],
  metrics: ['shared'],
  http: ['shared', 'config', 'store/ports', 'keys', 'protocol', 'authn', 'admin', 'metrics', 'tools'],
  // What runs a server process: opening the concrete store, the config follower, the cleanup loop. Never http.
  runtime: ['shared', 'config', 'store', 'keys', 'protocol', 'authn', 'admin', 'metrics'],
  // Operator tools (the selftest, the flow explorer's helpers): they speak the protocol from outside, never http.
  tools: ['shared', 'config', 'store/ports', 'keys', 'protocol'],
  // The CLI reaches the server through main.ts and runtime/, never through http/ or a concrete store.
  cli: [
    'shared',
    'config',
    'store/ports',
    'keys',
    'protocol',
    'authn',
    'admin',
    'metrics',
    'runtime',
    'tools',
    'main',
  ],
  // main.ts, the composition root, wires every layer.
  main: [
    'shared',
    'config',
    'store',
    'keys',
    'protocol',
    'authn',
    'admin',
    'metrics',
    'tools',
    'http',
    'runtime',
  ],
};
/** Packages a layer must never touch: the protocol core knows no HTTP and no SQL. */
const FORBIDDEN_PACKAGES = {
  protocol: ['fastify', '@fastify/', 'better-sqlite3', 'pg'],
  authn: ['fastify', '@fastify/', 'better-sqlite3', 'pg'],
  config: ['fastify', 'better-sqlite3', 'pg'],
  metrics: ['fastify', '@fastify/', 'better-sqlite3', 'pg'],
  tools: ['fastify', '@fastify/', 'better-sqlite3', 'pg'],
  runtime: ['fastify', '@fastify/'],
};

// Module specifiers are found on tokens, not on lines, so multi-line imports, `import type`, `export ... from`,
// bare `import '...'`, `import('...')` (in code and in types) and `require('...')` all count, while a comment
// or a string that merely mentions `from '...'` does not.
const NAME = /[A-Za-z0-9_$]/;
/** After these words an expression starts, so a `/` opens a regular expression rather than dividing. */
const BEFORE_EXPRESSION = new Set([
  'return',
  'typeof',
  'instanceof',
  'in',
  'of',
  'new',
  'delete',
  'void',
  'throw',
  'case',
  'do',
  'else',
  'yield',
  'await',
]);

function tokenize(text) {
  const tokens = [];
  const braces = [];
  let i = 0;
  let line = 1;
  const skip = (end) => {
    for (; i < end; i++) if (text[i] === '\n') line++;
  };
  const regexMayStart = () => {
    const prev = tokens.at(-1);
    if (prev === undefined || prev.type === 'punct') return prev === undefined || !')]}'.includes(prev.value);
    return prev.type === 'name' && BEFORE_EXPRESSION.has(prev.value);
  };
  /** Reads template text up to its end or its next `${`, from just after the backtick or the closing brace. */
  const template = () => {
    while (i < text.length && text[i] !== '`' && !(text[i] === '$' && text[i + 1] === '{'))
      skip(i + (text[i] === '\\' ? 2 : 1));
    if (text[i] === '`') {
      i++;
      tokens.push({ type: 'template', value: '', line });
    } else {
      i += 2;
      braces.push('template');
      tokens.push({ type: 'punct', value: '${', line });
    }
  };
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) skip(i + 1);
    else if (c === '/' && text[i + 1] === '/')
      skip(text.indexOf('\n', i) === -1 ? text.length : text.indexOf('\n', i));
    else if (c === '/' && text[i + 1] === '*')
      skip(text.indexOf('*/', i + 2) === -1 ? text.length : text.indexOf('*/', i + 2) + 2);
    else if (c === '"' || c === "'") {
      const start = line;
      let value = '';
      for (i++; i < text.length && text[i] !== c && text[i] !== '\n'; i++)
        value += text[i] === '\\' ? text[++i] : text[i];
      i++;
      tokens.push({ type: 'string', value, line: start });
    } else if (c === '`') {
      i++;
      template();
    } else if (c === '}' && braces.at(-1) === 'template') {
      braces.pop();
      i++;
      template();
    } else if (NAME.test(c)) {
      let value = '';
      while (i < text.length && NAME.test(text[i])) value += text[i++];
      tokens.push({ type: /^[0-9]/.test(value) ? 'number' : 'name', value, line });
    } else if (c === '/' && regexMayStart()) {
      let inClass = false;
      for (i++; i < text.length && text[i] !== '\n' && (inClass || text[i] !== '/'); i++) {
        if (text[i] === '\\') i++;
        else if (text[i] === '[') inClass = true;
        else if (text[i] === ']') inClass = false;
      }
      for (i++; NAME.test(text[i] ?? ''); i++);
      tokens.push({ type: 'regex', value: '', line });
    } else {
      if (c === '{') braces.push('{');
      if (c === '}') braces.pop();
      tokens.push({ type: 'punct', value: c, line });
      i++;
    }
  }
  return tokens;
}

/** Every module a file names: { spec (null when computed), line, kind }. */
function moduleSpecifiers(text) {
  const tokens = tokenize(text);
  const found = [];
  tokens.forEach((token, k) => {
    const [next, arg, close] = [tokens[k + 1], tokens[k + 2], tokens[k + 3]];
    if (token.type !== 'name' || tokens[k - 1]?.value === '.') return;
    if (token.value === 'from' && next?.type === 'string') {
      let start = k - 1;
      while (start > 0 && !['import', 'export'].includes(tokens[start].value)) start--;
      const typeOnly = tokens[start + 1]?.value === 'type';
      found.push({
        spec: next.value,
        line: next.line,
        kind: `${typeOnly ? 'type-only ' : ''}${tokens[start]?.value ?? 'import'}`,
      });
    } else if (token.value === 'import' && next?.type === 'string') {
      found.push({ spec: next.value, line: next.line, kind: 'bare import' });
    } else if ((token.value === 'import' || token.value === 'require') && next?.value === '(') {
      const literal = arg?.type === 'string' && (close?.value === ')' || close?.value === ',');
      found.push({
        spec: literal ? arg.value : null,
        line: token.line,
        kind: token.value === 'import' ? 'dynamic import' : 'require',
      });
    }
  });
  return found;
}

const ROOT = resolve(process.argv[2] ?? 'src');

const files = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : /\.[cm]?tsx?$/.test(path) ? [path] : [];
  });

/** The layer a path belongs to; null when it lies outside the root. */
const layerOf = (path) => {
  const rel = relative(ROOT, path);
  if (rel.startsWith('..') || isAbsolute(rel)) return null;
  const parts = rel.split(sep);
  if (parts[0] === 'store' && parts[1] === 'ports') return 'store/ports';
  return parts.length === 1 ? parts[0].replace(/\.[cm]?tsx?$/, '') : parts[0];
};
const topOf = (layer) => (layer === 'store/ports' ? 'store' : layer);
const mayImport = (from, to) => {
  if (topOf(to) === topOf(from)) return true;
  const rules = ALLOWED[topOf(from)];
  return rules.includes(to) || rules.includes(topOf(to));
};
const bannedIn = (layer, spec) =>
  (FORBIDDEN_PACKAGES[topOf(layer)] ?? []).some((banned) =>
    banned.endsWith('/') ? spec.startsWith(banned) : spec === banned || spec.startsWith(`${banned}/`),
  );

const problems = [];
for (const file of files(ROOT)) {
  const from = layerOf(file);
  const where = relative('.', file);
  if (!(topOf(from) in ALLOWED)) {
    problems.push(`${where}: "${from}" is not a layer in scripts/check-layers.mjs: add it to ALLOWED`);
    continue;
  }
  for (const { spec, line, kind } of moduleSpecifiers(readFileSync(file, 'utf8'))) {
    const at = `${where}:${line}`;
    if (spec === null) {
      problems.push(
        `${at}: ${from} has a ${kind} whose target is not a string literal, so it cannot be checked`,
      );
    } else if (spec.startsWith('.')) {
      const to = layerOf(resolve(dirname(file), spec));
      if (to === null)
        problems.push(`${at}: ${from} imports ${spec} from outside ${relative('.', ROOT) || '.'}`);
      else if (!mayImport(from, to))
        problems.push(`${at}: ${from} must not import ${to} (${kind} of ${spec})`);
    } else if (bannedIn(from, spec)) {
      problems.push(`${at}: ${from} must not depend on ${spec} (${kind})`);
    }
  }
}
if (problems.length > 0) {
  console.error(`layer check failed:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  process.exit(1);
}
console.log('layer check: ok');
