// The shared stores of the bench's second pairing: a throwaway PostgreSQL database for Tessera, Redis for the peer.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Where the bench creates its database (the server's maintenance database) and finds Redis. */
export const BENCH_POSTGRES_URL =
  process.env['BENCH_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const BENCH_REDIS_URL = process.env['BENCH_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

export interface BenchDatabase {
  /** DATABASE_URL for Tessera. */
  url: string;
  drop(): Promise<void>;
}

/** A new, empty database, so every run starts from Tessera's migrations like a first start. */
export async function createBenchDatabase(adminUrl = BENCH_POSTGRES_URL): Promise<BenchDatabase> {
  const name = `tessera_bench_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
