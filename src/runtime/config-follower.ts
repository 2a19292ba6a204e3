// Keeps a node's live config current: a commit made by another process (the CLI, another worker or node)
// goes live here within a second, through a poll of the revision id and, on PostgreSQL, a pushed notice.
import { compileConfig, type LiveConfig, mergeSnapshots } from '../config/live.ts';
import { ConfigError, type LoadedConfig } from '../config/load.ts';
import { snapshotSchema } from '../config/schema.ts';
import { crossCheck } from '../config/validate.ts';
import type { SecretHasher } from '../keys/secrets.ts';
import type { Clock } from '../shared/clock.ts';
import type { ConfigStore, Revision } from '../store/ports/config.ts';
import type { Log } from './log.ts';

const POLL_INTERVAL_MS = 1000;

/** The committed revision, creating the first one (defaults only) on a new database. */
async function currentRevision(store: ConfigStore, clock: Clock): Promise<Revision> {
  const current = await store.current();
  if (current) return current;
  try {
    return await store.commit({
      parent: null,
      author: 'system',
      message: 'initial configuration',
      createdAt: clock.nowSeconds(),
      snapshot: snapshotSchema.parse({}),
    });
  } catch {
    // Another worker committed it first.
    return (await store.current())!;
  }
}

/** The config file's entries merged over the committed revision, checked and compiled. */
export async function compileCurrent(
  store: ConfigStore,
  declared: LoadedConfig['declared'],
  secrets: SecretHasher,
  clock: Clock,
): Promise<LiveConfig> {
  const revision = await currentRevision(store, clock);
  const merged = mergeSnapshots(revision.snapshot, declared);
  // The file and the committed revision are each valid; together they must be too (a scope, an authenticator).
  const issues = crossCheck(merged);
  if (issues.length > 0) throw new ConfigError(`the config file merged over revision ${revision.id}`, issues);
  return compileConfig(merged, revision.id, secrets.hash);
}

export interface FollowerDeps {
  store: ConfigStore;
  /** The live config the node starts with. */
  initial: LiveConfig;
  /** Compiles the current revision: called when its id differs from the live one. */
  compile(): Promise<LiveConfig>;
  /** Runs on every refresh: rotated keys are published on every node as soon as they are written. */
  reloadKeys?(): Promise<void>;
  intervalMs?: number;
}

export interface ConfigFollower {
  live(): LiveConfig;
  /** Re-reads the current revision id and recompiles on a change; the poller calls it, and so do local commits. */
  refresh(): Promise<void>;
  /** Starts the poller and, where the engine pushes commits, the watch. */
  start(log: Log): Promise<void>;
  stop(): Promise<void>;
}

export function createConfigFollower(deps: FollowerDeps): ConfigFollower {
  let live = deps.initial;
  let poller: NodeJS.Timeout | undefined;
  let unwatch: (() => Promise<void>) | undefined;
  const refresh = async () => {
    const id = await deps.store.currentId();
    if (id !== live.revision) live = await deps.compile();
    await deps.reloadKeys?.();
  };
  return {
    live: () => live,
    refresh,
    async start(log) {
      const tick = () => {
        refresh().catch((error) => log.error({ err: error }, 'config refresh failed'));
      };
      poller = setInterval(tick, deps.intervalMs ?? POLL_INTERVAL_MS);
      poller.unref();
      // PostgreSQL pushes commits (LISTEN/NOTIFY); the poller stays as the safety net and reloads keys.
      unwatch = await deps.store.watch?.(tick);
    },
    async stop() {
      clearInterval(poller);
      await unwatch?.();
    },
  };
}
