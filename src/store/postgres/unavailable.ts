// Turns "cannot reach PostgreSQL" failures, and a schema this node cannot use, into StoreUnavailableError,
// so callers answer 503 instead of 500.
import pg from 'pg';
import { StoreUnavailableError } from '../ports/errors.ts';

/** Socket errors, and SQLSTATE class 08 (connection), 57P0x (shutdown, restart), 53300 (too many connections). */
const CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
  '53300',
]);
/**
 * SQLSTATE undefined_table and undefined_column: the schema is not the one this node was built for (a breaking
 * migration it does not know, a damaged schema). Readiness says so; each request answers 503, not 500.
 */
export const SCHEMA_MISMATCH = new Set(['42P01', '42703']);
const MESSAGES =
  /timeout exceeded when trying to connect|Connection terminated|Client has encountered a connection error|connection timeout/i;

export function translate(error: unknown): unknown {
  if (error instanceof StoreUnavailableError) return error;
  const code = (error as { code?: unknown }).code;
  const message = (error as Error)?.message ?? '';
  if (
    (typeof code === 'string' && (CODES.has(code) || SCHEMA_MISMATCH.has(code) || code.startsWith('08'))) ||
    MESSAGES.test(message)
  ) {
    return new StoreUnavailableError(error);
  }
  return error;
}

/** A pool whose query() and connect() report an unreachable server as StoreUnavailableError. */
export class GuardedPool extends pg.Pool {
  // biome-ignore lint/suspicious/noExplicitAny: pg's connect() is overloaded; only the promise form is used here.
  override connect(...args: any[]): any {
    if (args.length > 0) return (super.connect as (...a: unknown[]) => unknown)(...args);
    return super.connect().catch((error: unknown) => {
      throw translate(error);
    });
  }

  // biome-ignore lint/suspicious/noExplicitAny: pg's query() has a dozen overloads; only the promise forms are used here.
  override query(...args: any[]): any {
    // biome-ignore lint/suspicious/noExplicitAny: see above.
    const result = (super.query as (...a: any[]) => any)(...args);
    return result instanceof Promise
      ? result.catch((error: unknown) => {
          throw translate(error);
        })
      : result;
  }
}
