// How Node runs a Tessera server process: `npm start`, the image and the workers of `--workers` use these
// (package.json and the Dockerfile spell them out; test/unit/runtime/node-tuning.test.ts keeps them in step).

/**
 * V8 heap limits. The live heap of a busy server is about 25 MB; without a limit V8 lets garbage pile up to
 * several times that before a full collection (about 160 MB resident under load instead of about 120 MB).
 * - a 2 MB young generation (V8's default grows to 16 MB per semi-space under load);
 * - 128 MB of old space: five times the live heap, so full collections come early and stay short.
 */
export const NODE_HEAP_FLAGS = ['--max-semi-space-size=2', '--max-old-space-size=128'] as const;

/**
 * glibc malloc settings, read when the process starts, so they must be in its environment:
 * - two arenas instead of eight per core: each libuv pool thread (signatures, argon2id) otherwise keeps one;
 * - a fixed mmap threshold: glibc otherwise raises it to the size of the largest block freed, so an argon2id
 *   hash's 19 MiB comes from an arena after the first login and stays resident after it is freed.
 */
export const MALLOC_ENV = { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '131072' } as const;

/** The flags a worker gets: the primary's own, plus each heap limit the primary was not started with. */
export function workerExecArgv(primary: readonly string[]): string[] {
  const missing = NODE_HEAP_FLAGS.filter((flag) => {
    const name = flag.slice(0, flag.indexOf('='));
    return !primary.some((arg) => arg.startsWith(name));
  });
  return [...primary, ...missing];
}

/** The environment a worker gets on top of the primary's: each malloc setting the primary was not given. */
export function workerEnv(primary: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(MALLOC_ENV).map(([name, value]) => [name, primary[name] ?? value]),
  );
}
