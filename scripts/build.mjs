// Bundles the TypeScript sources and their dependencies into dist/tessera.mjs, so a server starts
// without compiling TypeScript at run time: faster start, less memory than running through tsx.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

// `node scripts/build.mjs [outdir]`: dist/ unless told otherwise (a test builds elsewhere, beside dist/).
const outdir = process.argv[2] ?? 'dist';
// Chunk names carry hashes: start from an empty folder so old chunks do not pile up.
rmSync(outdir, { recursive: true, force: true });

await build({
  entryPoints: { tessera: 'src/cli/index.ts' },
  outdir,
  outExtension: { '.js': '.mjs' },
  // Dynamic imports (PostgreSQL driver, key generation) become chunks loaded only when needed.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  // Dependencies are bundled too (resolving and reading hundreds of package files took a third of start-up),
  // except native addons, the PostgreSQL driver's optional native binding, and build-time tools.
  external: ['better-sqlite3', '@node-rs/argon2', 'pg-native', 'esbuild', 'tsx'],
  // Bundled CommonJS packages call require() for Node's built-ins; ESM output needs a real one.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  // V8 keeps every script's source text in memory: whitespace and syntax minified, the bundle holds about 9 MB
  // less at idle. Names are kept, so stack traces stay readable.
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
});
