// Builds what the bench runs: Tessera's bundle (as `npm start` does) and the peer's script, both plain JavaScript,
// so neither server pays for compiling TypeScript at run time.
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const PEER_BUNDLE = join(ROOT, 'dist', 'bench', 'peer.mjs');

export async function buildServers(): Promise<void> {
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'inherit' });
  await build({
    entryPoints: [join(ROOT, 'bench', 'servers', 'peer-main.ts')],
    outfile: PEER_BUNDLE,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
  });
}
