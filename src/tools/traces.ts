// Request traces: the last requests of this process, each with the checks the protocol ran, kept in a bounded ring.
import type { Tracer, TraceStep } from '../protocol/trace.ts';

export interface TraceRecord {
  /** The request id (Fastify's request.id: X-Request-Id when the caller sent one), shown on error pages and in logs. */
  id: string;
  /** Milliseconds since the epoch. */
  at: number;
  method: string;
  /** The path without its query. */
  path: string;
  /** The endpoint's short name: authorize, token, par, introspect, revoke, userinfo. */
  endpoint: string;
  clientId: string | undefined;
  /** The parameters as sent, redacted (redact.ts). */
  params: Readonly<Record<string, string>>;
  /** The Authorization and DPoP headers, redacted, when sent. */
  headers: Readonly<Record<string, string>>;
  steps: TraceStep[];
  /** How it ended: the status and, for a refusal, the error code and description. */
  result?: { status: number; error?: string; description?: string; redirect?: string };
}

export type NewTrace = Omit<TraceRecord, 'steps' | 'result' | 'at'>;

/** One request being recorded: the protocol's Tracer, and the HTTP layer's outcome. */
export interface RequestTrace extends Tracer {
  readonly record: TraceRecord;
  finish(result: NonNullable<TraceRecord['result']>): void;
}

/** Steps one request may add: a loop that traced without end could not grow the ring past its size. */
const MAX_STEPS = 64;

export class TraceRing {
  readonly capacity: number;
  private readonly slots: (TraceRecord | undefined)[];
  private next = 0;
  private readonly byId = new Map<string, TraceRecord>();

  constructor(
    capacity = 1000,
    private readonly now: () => number = Date.now,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError('capacity must be a positive integer');
    this.capacity = capacity;
    this.slots = new Array(capacity);
  }

  /** Starts recording a request; it is in the ring (and found by id) from now on, the oldest one leaving. */
  start(init: NewTrace): RequestTrace {
    const record: TraceRecord = { ...init, at: this.now(), steps: [] };
    const evicted = this.slots[this.next];
    if (evicted && this.byId.get(evicted.id) === evicted) this.byId.delete(evicted.id);
    this.slots[this.next] = record;
    this.next = (this.next + 1) % this.capacity;
    this.byId.set(record.id, record);
    return {
      record,
      step(step) {
        if (record.steps.length < MAX_STEPS) record.steps.push(step);
      },
      finish(result) {
        record.result = result;
      },
    };
  }

  /** The newest request recorded under this id. */
  get(id: string): TraceRecord | undefined {
    return this.byId.get(id);
  }

  /** Recorded requests, newest first, that match; at most `limit`. */
  find(match: (record: TraceRecord) => boolean, limit = 50): TraceRecord[] {
    const found: TraceRecord[] = [];
    for (let k = 1; k <= this.capacity && found.length < limit; k++) {
      const record = this.slots[(this.next - k + this.capacity) % this.capacity];
      if (record === undefined) break;
      if (match(record)) found.push(record);
    }
    return found;
  }

  get size(): number {
    return this.byId.size;
  }
}
