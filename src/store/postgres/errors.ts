// How the PostgreSQL driver reports a broken unique constraint (SQLSTATE 23505), shared by the store's files.
const UNIQUE_VIOLATION = '23505';

export const isUniqueViolation = (error: unknown): boolean =>
  (error as { code?: unknown }).code === UNIQUE_VIOLATION;
