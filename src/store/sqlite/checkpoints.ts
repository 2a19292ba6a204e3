// WAL checkpoints off the request thread. SQLite's automatic checkpoint runs inside whichever commit pushes
// the WAL past 1000 pages: that request then copies every page and fsyncs (about 25 ms here, measured with a
// token-insert loop), and the whole event loop waits. The server hands checkpoints to a worker thread instead.
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { sourceAsset } from '../../shared/paths.ts';

/** Long enough that pages written many times between rounds (the tables' right edges) are copied once. */
const INTERVAL_MS = 250;
/** SQLite's default, restored when the thread is not there to do the work. */
const AUTO_CHECKPOINT_PAGES = 1000;

export interface Checkpointer {
  stop(): Promise<void>;
}

export function startCheckpoints(db: Database.Database, file: string): Checkpointer {
  const worker = new Worker(sourceAsset('store', 'sqlite', 'checkpoint-worker.mjs'), {
    workerData: { file, intervalMs: INTERVAL_MS },
    // It only ever runs one pragma: a small heap keeps the thread's memory small.
    resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 8 },
  });
  // The process may exit while the thread runs; the store's close() stops it cleanly when called.
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  let stopping = false;
  worker.once('message', () => {
    if (!stopping && db.open) db.pragma('wal_autocheckpoint = 0');
  });
  // Whatever ends the thread early (an I/O error, a failed load), commits go back to checkpointing inline,
  // so the WAL never grows without bound.
  const fallBack = () => {
    if (db.open) db.pragma(`wal_autocheckpoint = ${AUTO_CHECKPOINT_PAGES}`);
  };
  worker.on('error', fallBack);
  worker.on('exit', () => {
    if (!stopping) fallBack();
  });
  return {
    async stop() {
      if (stopping) return;
      stopping = true;
      // Held again so the wait below keeps the event loop alive.
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}
