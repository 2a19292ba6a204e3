// Clock port: the one source of "now", injected so tests can freeze time.
export interface Clock {
  /** Seconds since the epoch (JWT NumericDate). */
  nowSeconds(): number;
}

export const systemClock: Clock = {
  nowSeconds: () => Math.floor(Date.now() / 1000),
};

/** A clock tests can move by hand. */
export class FixedClock implements Clock {
  constructor(private seconds: number) {}
  nowSeconds(): number {
    return this.seconds;
  }
  advance(by: number): void {
    this.seconds += by;
  }
}
