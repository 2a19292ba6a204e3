// Store errors that callers act on; anything else from a driver is an unexpected failure.

/** A unique key (username, client id) is already taken. */
export class DuplicateError extends Error {
  constructor(readonly what: string) {
    super(`${what} already exists`);
    this.name = 'DuplicateError';
  }
}

/** An optimistic write lost: the caller worked from a state that is no longer current. */
export class ConflictError extends Error {
  constructor(
    message: string,
    readonly current: number | null,
  ) {
    super(message);
    this.name = 'ConflictError';
  }
}

/** The database cannot be reached right now (down, restarting, failing over); the request may be retried. */
export class StoreUnavailableError extends Error {
  constructor(readonly cause: unknown) {
    super(`the database is unavailable: ${(cause as Error)?.message ?? String(cause)}`);
    this.name = 'StoreUnavailableError';
  }
}
