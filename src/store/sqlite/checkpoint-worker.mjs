// Runs SQLite's WAL checkpoints on their own thread (see checkpoints.ts): copying committed pages into the
// database file and the fsync that follows never stall the request thread. Plain JavaScript, so the same
// file runs from the sources and beside the built bundle.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const db = new Database(workerData.file);
// A checkpoint that meets another one (another process's thread) gives up at once and tries next round.
db.pragma('busy_timeout = 0');

const timer = setInterval(() => {
  try {
    // PASSIVE copies what it can without waiting for readers or writers; a later round finishes the rest.
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    if (error?.code !== 'SQLITE_BUSY' && error?.code !== 'SQLITE_LOCKED') throw error;
  }
}, workerData.intervalMs);

parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
parentPort.postMessage('ready');
