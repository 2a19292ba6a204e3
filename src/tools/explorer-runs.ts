// The flow explorer's runs: what one authorization request needs back at the callback (PKCE verifier, state, nonce).
import { createHash, randomBytes } from 'node:crypto';

export interface ExplorerRun {
  /** The state sent: the callback finds its run by it. */
  state: string;
  /** The admin who started it: nobody else's callback can use the run. */
  admin: string;
  clientId: string;
  redirectUri: string;
  nonce: string | undefined;
  /** RFC 7636 §4.1: kept for the token request; undefined when the run sends no PKCE. */
  codeVerifier: string | undefined;
  /** The authorization request's parameters as sent (nothing secret is in them). */
  params: Readonly<Record<string, string>>;
  createdAt: number;
  /** RFC 9126: the PAR request made for the run (as the explorer shows it), when it pushed first. */
  pushed?: { title: string; request: string; status: number; body: string; requestId: string };
  /** What the browser was sent with when that differs from params: client_id and request_uri after a push. */
  sentParams?: Readonly<Record<string, string>>;
  /** A client created for this run alone: its secret lives here only, and the client is removed when the run ends. */
  throwaway?: { secret: string; removed: boolean };
}

/** A run lasts an hour: a flow left half-way is forgotten. */
export const RUN_LIFETIME_MS = 60 * 60 * 1000;
const MAX_RUNS = 200;

const random = () => randomBytes(32).toString('base64url');

/** RFC 7636 §4.2: the S256 challenge of a verifier. */
export const s256 = (verifier: string): string =>
  createHash('sha256').update(verifier, 'ascii').digest('base64url');

export class ExplorerRuns {
  private readonly runs = new Map<string, ExplorerRun>();

  /** `onDrop`: told of each run forgotten because it expired or made room, so what it created can be removed. */
  constructor(
    private readonly now: () => number = Date.now,
    private readonly onDrop: (run: ExplorerRun) => void = () => {},
  ) {}

  start(
    input: Omit<ExplorerRun, 'state' | 'createdAt' | 'nonce' | 'codeVerifier'> & {
      pkce: boolean;
      nonce: boolean;
    },
  ): ExplorerRun {
    this.sweep();
    const { pkce, nonce, ...rest } = input;
    const run: ExplorerRun = {
      ...rest,
      state: random(),
      nonce: nonce ? random() : undefined,
      codeVerifier: pkce ? random() : undefined,
      createdAt: this.now(),
    };
    this.runs.set(run.state, run);
    if (this.runs.size > MAX_RUNS) {
      const oldest = this.runs.values().next().value!;
      this.runs.delete(oldest.state);
      this.onDrop(oldest);
    }
    return run;
  }

  /** The admin's own run for this state, while it lasts. */
  find(state: string, admin: string): ExplorerRun | undefined {
    const run = this.runs.get(state);
    if (!run || run.admin !== admin || this.now() - run.createdAt > RUN_LIFETIME_MS) return undefined;
    return run;
  }

  /** Every run still kept, for what must be cleaned up when the server stops. */
  live(): ExplorerRun[] {
    return [...this.runs.values()];
  }

  /** Forgets the runs older than their lifetime; also called on a timer, so a run's throwaway client outlives it by little. */
  sweep(): void {
    for (const [state, run] of this.runs)
      if (this.now() - run.createdAt > RUN_LIFETIME_MS) {
        this.runs.delete(state);
        this.onDrop(run);
      }
  }
}
