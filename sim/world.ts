/**
 * A simulator world: one venue (the market every endpoint quotes and every account trades at),
 * the accounts, and the endpoints that serve them — one `SimServer` per port, each with its own
 * WebSocket paths, REST routes and fault control. Tradovate's REST + trading socket + market-data
 * socket, or Binance's streams + WebSocket API, are endpoints of one world.
 */
import type { MarketSpec } from '../src/exchange/spec';
import type { Venue } from '../src/exchange/venue';
import { SimAccount, type SimAccountOptions } from './account';
import type { SimAddress } from './base';
import { createMarket, defaultSymbols } from './market';

export interface WorldOptions {
  seed?: number;
  symbols?: readonly MarketSpec[];
  /** How often the world's clock advances the venue while running (default 100 ms). */
  tickMs?: number;
  now?: () => number;
}

/** What a world needs of an endpoint: a `SimServer` of any protocol. */
export interface WorldEndpoint {
  start(): Promise<SimAddress>;
  stop(): Promise<void>;
}

export class World {
  readonly venue: Venue;
  readonly now: () => number;
  private readonly accountsById = new Map<string, SimAccount>();
  private readonly endpoints: WorldEndpoint[] = [];
  private readonly tickMs: number;
  private clock: ReturnType<typeof setInterval> | null = null;
  private lastAdvance: number;

  constructor(opts: WorldOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.tickMs = opts.tickMs ?? 100;
    this.lastAdvance = this.now();
    this.venue = createMarket(opts.seed ?? 42, opts.symbols ?? defaultSymbols, this.lastAdvance);
  }

  /** The account with this id, opened on first use. */
  account(id: string, opts?: SimAccountOptions): SimAccount {
    let a = this.accountsById.get(id);
    if (a === undefined) {
      a = new SimAccount(id, this.venue, opts);
      this.accountsById.set(id, a);
    }
    return a;
  }

  accounts(): SimAccount[] {
    return [...this.accountsById.values()];
  }

  /** Serve this world on one more endpoint (started and stopped with the world). */
  serve<S extends WorldEndpoint>(server: S): S {
    this.endpoints.push(server);
    return server;
  }

  /**
   * Bring the venue up to `now` (ticks at each symbol's pace). Idempotent in time, so the world's
   * clock and an endpoint's own timer can both call it without doubling the tape.
   */
  advanceTo(now = this.now()): number {
    const dt = Math.max(0, now - this.lastAdvance);
    this.lastAdvance = now;
    // Clamp so a paused process does not replay minutes of ticks at once.
    return dt === 0 ? 0 : this.venue.advance(Math.min(dt, 1000), now);
  }

  /** Start the clock and every endpoint; resolves to their addresses in `serve` order. */
  async start(): Promise<SimAddress[]> {
    this.startClock();
    const out: SimAddress[] = [];
    for (const e of this.endpoints) out.push(await e.start());
    return out;
  }

  async stop(): Promise<void> {
    this.stopClock();
    for (const e of this.endpoints) await e.stop();
  }

  startClock(): void {
    if (this.clock !== null) return;
    this.lastAdvance = this.now();
    this.clock = setInterval(() => this.advanceTo(), this.tickMs);
  }

  stopClock(): void {
    if (this.clock !== null) clearInterval(this.clock);
    this.clock = null;
  }
}
