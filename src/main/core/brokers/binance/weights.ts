/**
 * Request weight as Binance counts it, read from `rateLimits` on every WebSocket API reply and
 * `X-MBX-USED-WEIGHT-1M` on REST. The terminal refuses work itself before Binance would: past
 * `reserve` of the limit nothing but order entry is sent, past the limit nothing at all, and
 * after a 429 or 418 nothing until `retryAfter` (a 418 ban escalates from 2 minutes to 3 days).
 */
export interface Headroom {
  used: number;
  limit: number;
  /** Fraction of the minute's weight still free (1 = untouched). */
  free: number;
  /** Epoch ms (local clock) until which Binance told us to stop, or null. */
  blockedUntil: number | null;
  banned: boolean;
}

export class WeightMeter {
  used = 0;
  limit = 6000;
  private window = -1;
  private blockedUntil = 0;
  private banned = false;

  constructor(
    private readonly now: () => number,
    /** Keep this share of the minute for orders and cancels. */
    private readonly reserve = 0.8,
  ) {}

  observe(used: number, limit?: number): void {
    this.used = used;
    if (limit !== undefined && limit > 0) this.limit = limit;
    this.window = Math.floor(this.now() / 60_000);
  }

  /** Binance said stop until `untilLocal` (a 429's or 418's retryAfter, on our clock). */
  block(untilLocal: number, ban: boolean): void {
    this.blockedUntil = Math.max(this.blockedUntil, untilLocal);
    this.banned = ban;
  }

  /** Why a request of `weight` must not go out now, or null. Orders may use the reserve. */
  refusal(weight: number, isOrder: boolean): string | null {
    const now = this.now();
    if (now < this.blockedUntil)
      return `${this.banned ? 'IP banned by Binance (418)' : 'rate limited by Binance (429)'} until ${new Date(this.blockedUntil).toISOString()}`;
    if (Math.floor(now / 60_000) !== this.window) this.used = 0;
    const cap = isOrder ? this.limit : this.limit * this.reserve;
    if (this.used + weight > cap)
      return `request weight ${this.used}/${this.limit} this minute: holding back before Binance limits us`;
    return null;
  }

  /** Count a request we are about to send (the next reply corrects the figure). */
  charge(weight: number): void {
    if (Math.floor(this.now() / 60_000) !== this.window) {
      this.window = Math.floor(this.now() / 60_000);
      this.used = 0;
    }
    this.used += weight;
  }

  headroom(): Headroom {
    const now = this.now();
    const used = Math.floor(now / 60_000) === this.window ? this.used : 0;
    return {
      used,
      limit: this.limit,
      free: Math.max(0, 1 - used / this.limit),
      blockedUntil: now < this.blockedUntil ? this.blockedUntil : null,
      banned: now < this.blockedUntil && this.banned,
    };
  }
}
