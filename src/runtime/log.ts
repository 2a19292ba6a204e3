// The logger the background loops write to: the two calls they make, which the server's pino logger answers.
export interface Log {
  error(details: { err: unknown }, message: string): void;
  warn(details: { err: unknown }, message: string): void;
}
