/**
 * A fixed window rate counter: at most `limit` hits per `windowMs`. Venues count inbound
 * messages this way (portfolio-stream: 100/s, Binance: 5/s) and REST request weight likewise.
 */
export class RateWindow {
  private start = Number.NEGATIVE_INFINITY;
  private hits = 0;

  constructor(
    readonly limit: number,
    readonly windowMs = 1000,
  ) {}

  /** Count one hit at `now`; false when it exceeds the limit for the current window. */
  hit(now = Date.now(), weight = 1): boolean {
    if (now - this.start >= this.windowMs) {
      this.start = now;
      this.hits = 0;
    }
    this.hits += weight;
    return this.hits <= this.limit;
  }

  /** Milliseconds until the current window ends (what a 429 puts in Retry-After). */
  retryAfterMs(now = Date.now()): number {
    return Math.max(0, this.start + this.windowMs - now);
  }
}
