// Tessera's version, read from package.json beside src/, where the sources and the built bundle find their assets.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { sourceAsset } from './paths.ts';

/** The package's semantic version, e.g. "0.2.0" (CHANGELOG.md says what each one brought). */
export function packageVersion(): string {
  const file = join(dirname(sourceAsset()), 'package.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}
