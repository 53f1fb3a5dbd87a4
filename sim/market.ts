/**
 * A seeded market for any simulator: each symbol follows a geometric random walk on its tick
 * grid with a realistic spread, so two runs with one seed produce the same tape.
 */
import { roundToStep } from '../src/shared/money';
import { mulberry32 } from '../src/shared/random';

export interface MarketSymbol {
  symbol: string;
  price: number;
  tickSize: number;
  /** Annualized-looking volatility scaled to a per-second standard deviation (fraction of price). */
  volPerSec: number;
  /** Spread in ticks. */
  spreadTicks?: number;
}

export interface Tick {
  symbol: string;
  bid: number;
  ask: number;
  last: number;
  size: number;
  ts: number;
}

export const defaultSymbols: MarketSymbol[] = [
  { symbol: 'AAPL', price: 175.5, tickSize: 0.01, volPerSec: 0.0004 },
  { symbol: 'TSLA', price: 245.75, tickSize: 0.01, volPerSec: 0.0008 },
  { symbol: 'NVDA', price: 520.5, tickSize: 0.01, volPerSec: 0.0007 },
  { symbol: 'MSFT', price: 410.2, tickSize: 0.01, volPerSec: 0.0004 },
  { symbol: 'SPY', price: 590.1, tickSize: 0.01, volPerSec: 0.0002 },
];

export class MarketSource {
  private readonly random: () => number;
  private readonly symbols = new Map<string, MarketSymbol & { last: number }>();

  constructor(seed = 1, symbols: MarketSymbol[] = defaultSymbols) {
    this.random = mulberry32(seed);
    for (const s of symbols) this.symbols.set(s.symbol, { ...s, last: s.price });
  }

  list(): string[] {
    return [...this.symbols.keys()];
  }

  price(symbol: string): number {
    const s = this.symbols.get(symbol);
    if (s === undefined) throw new Error(`unknown symbol ${symbol}`);
    return s.last;
  }

  /** Advance every symbol by `dtMs` and return one tick each. */
  step(dtMs: number, now: number): Tick[] {
    const out: Tick[] = [];
    for (const s of this.symbols.values()) {
      const sd = s.volPerSec * Math.sqrt(Math.max(dtMs, 1) / 1000);
      const next = roundToStep(Math.max(s.tickSize, s.last * Math.exp(sd * this.gaussian())), s.tickSize);
      s.last = next;
      // Whole ticks on each side so bid and ask stay on the grid and never cross.
      const spread = Math.max(1, s.spreadTicks ?? 1);
      const below = Math.ceil(spread / 2);
      out.push({
        symbol: s.symbol,
        bid: roundToStep(next - below * s.tickSize, s.tickSize),
        ask: roundToStep(next + (spread - below) * s.tickSize, s.tickSize),
        last: next,
        size: 1 + Math.floor(this.random() * 500),
        ts: now,
      });
    }
    return out;
  }

  /** Uniform draw from the market's own seeded stream (for order flow that should replay too). */
  uniform(): number {
    return this.random();
  }

  private gaussian(): number {
    // Box–Muller; 1 - u keeps log away from 0.
    const u = 1 - this.random();
    const v = this.random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}
