// What the protocol reports of a request as it runs it (the admin's request traces); nothing is built when none listens.
import type { OAuthError } from './errors.ts';

/** Which part of the protocol a step belongs to. */
export type TraceStage = 'request' | 'authorize' | 'client_auth' | 'grant' | 'dpop' | 'par' | 'result';

export interface TraceStep {
  stage: TraceStage;
  /** The check's name: an authorize check's `name`, a client-auth method, a grant_type. */
  name: string;
  ok: boolean;
  /** The RFC or OpenID section the check enforces. */
  section: string;
  /** When the check refused: the error code and its client-safe description (never the log-only detail). */
  code?: string;
  description?: string;
  /** A plain note for a passing step ("sent to the login page"). */
  note?: string;
}

/** Receives steps as the protocol runs them; the HTTP layer keeps them per request id. */
export interface Tracer {
  step(step: TraceStep): void;
}

/**
 * Reports a check's outcome. Callers write `trace && traceCheck(trace, ...)` or pass an optional tracer,
 * so a request nobody traces pays one comparison.
 */
export function traceCheck(
  trace: Tracer | undefined,
  stage: TraceStage,
  name: string,
  section: string,
  error: OAuthError | undefined,
  note?: string,
): void {
  if (trace === undefined) return;
  trace.step(
    error === undefined
      ? { stage, name, ok: true, section, ...(note === undefined ? {} : { note }) }
      : { stage, name, ok: false, section, code: error.code, description: error.description },
  );
}
