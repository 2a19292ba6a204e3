// The server's modules, loaded when a command first needs them: the primary of `tessera start --workers`
// never does, so it stays small (it only forks and supervises).
import type { Overrides } from '../config/load.ts';

export async function openLocal(opts: Overrides) {
  const { openLocal: open } = await import('../runtime/open.ts');
  return open(opts);
}

export async function openUnlocked(opts: Overrides) {
  const { openUnlocked: open } = await import('../runtime/open.ts');
  return open(opts);
}
