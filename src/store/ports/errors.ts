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
