// Where Tessera's own files (templates, stylesheets, migrations) live, from the sources or from the built bundle.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The directory holding package.json: two levels above src/shared, one above dist/. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'src'))) return dir;
    dir = dirname(dir);
  }
  throw new Error('cannot find the Tessera package directory (package.json beside src/)');
}

const ROOT = packageRoot();

/** A path under src/, where the non-code assets stay in both the source and the built layout. */
export function sourceAsset(...segments: string[]): string {
  return join(ROOT, 'src', ...segments);
}
