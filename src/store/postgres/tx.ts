// Runs work inside BEGIN/COMMIT on one pooled connection, rolling back on any failure.
import type pg from 'pg';
import { translate } from './unavailable.ts';

export async function transaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  // A checked-out client has no 'error' listener of the pool's: a connection dropped mid-transaction would
  // otherwise crash the process. The failed query rejects on its own; this only keeps the event handled.
  const ignore = () => {};
  client.on('error', ignore);
  // A connection whose ROLLBACK failed is in an unknown state: the pool destroys it instead of lending it again.
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackError) {
      broken = rollbackError as Error;
    }
    throw translate(error);
  } finally {
    client.off('error', ignore);
    client.release(broken);
  }
}
