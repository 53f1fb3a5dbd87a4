/**
 * A simulated venue: one seeded price process and one order book per symbol, paced by the
 * shared scheduler. Simulator worlds hold one; every account at the venue trades against the
 * same touch, so two users' market orders share the displayed size as they would at an exchange.
 */
import { deriveSeed, mulberry32, type Rng } from '../shared/random';
import { roundToStep } from '../shared/money';
import {
  type BookChange,
  type BookListener,
  type BookOrder,
  type BookOrderInput,
  type DoneCause,
  OrderBook,
} from './orderBook';
import { PriceProcess, type MarketTick } from './priceProcess';
import { ticksDue } from './scheduler';
import type { MarketSpec } from './spec';

/** The current state of one symbol at the venue. */
export interface VenueQuote {
  symbol: string;
  bid: number;
  ask: number;
  bidSize: number;
  askSize: number;
  last: number;
  /** Size traded since the venue opened. */
  volume: number;
  ts: number;
}

/** Who hears about an order's fills and state changes (an account in a simulator world). */
export interface OrderOwner {
  fill(symbol: string, order: BookOrder, qty: number, price: number, ts: number): void;
  done?(symbol: string, order: BookOrder, cause: DoneCause, ts: number): void;
  changed?(symbol: string, order: BookOrder, change: BookChange, ts: number): void;
}

interface VenueSymbol {
  spec: MarketSpec;
  process: PriceProcess;
  book: OrderBook;
  quote: VenueQuote;
  credit: number;
}

export type TickListener = (tick: MarketTick, quote: VenueQuote) => void;

export class Venue {
  private readonly symbolsBy = new Map<string, VenueSymbol>();
  private readonly owners = new Map<string, OrderOwner>();
  /** Owners are forgotten in sweeps once their orders have left every book. */
  private sweepAt = 4096;
  private readonly tickListeners = new Set<TickListener>();
  private readonly schedRng: Rng;
  /** A seeded stream for simulated order flow, so it replays with the tape. */
  readonly flowRng: Rng;
  private ts: number;

  constructor(specs: readonly MarketSpec[], seed: number, now: number) {
    this.ts = now;
    this.schedRng = mulberry32(deriveSeed(seed, '#scheduler'));
    this.flowRng = mulberry32(deriveSeed(seed, '#flow'));
    for (const spec of specs) {
      const symbol = spec.instrument.symbol;
      const process = new PriceProcess(spec, mulberry32(deriveSeed(seed, symbol)));
      const size = roundToStep(spec.bookSize * spec.instrument.qtyStep, spec.instrument.qtyStep);
      const quote: VenueQuote = {
        symbol,
        bid: process.bid,
        ask: process.ask,
        bidSize: size,
        askSize: size,
        last: process.last,
        volume: 0,
        ts: now,
      };
      const listener: BookListener = {
        fill: (o, qty, price) => this.owners.get(o.id)?.fill(symbol, o, qty, price, this.ts),
        done: (o, cause) => this.owners.get(o.id)?.done?.(symbol, o, cause, this.ts),
        changed: (o, change) => this.owners.get(o.id)?.changed?.(symbol, o, change, this.ts),
      };
      const book = new OrderBook(spec.instrument, listener, { ...quote, tradeSize: 0 });
      this.symbolsBy.set(symbol, { spec, process, book, quote, credit: 0 });
    }
  }

  symbols(): string[] {
    return [...this.symbolsBy.keys()];
  }

  spec(symbol: string): MarketSpec | undefined {
    return this.symbolsBy.get(symbol)?.spec;
  }

  quote(symbol: string): VenueQuote {
    const s = this.symbolsBy.get(symbol);
    if (s === undefined) throw new Error(`unknown symbol ${symbol}`);
    return s.quote;
  }

  /** The last trade price (what simple gateways report as the current price). */
  price(symbol: string): number {
    return this.quote(symbol).last;
  }

  onTick(listener: TickListener): () => void {
    this.tickListeners.add(listener);
    return () => this.tickListeners.delete(listener);
  }

  /** Advance every symbol by exactly one tick. */
  step(ts: number): void {
    this.ts = ts;
    for (const s of this.symbolsBy.values()) this.tickSymbol(s, ts);
    this.expire(ts);
  }

  /** Advance by `dtMs` of wall time: each symbol ticks at its regime's rate. Returns ticks made. */
  advance(dtMs: number, ts: number): number {
    this.ts = ts;
    let n = 0;
    for (const s of this.symbolsBy.values()) {
      const due = ticksDue(s, s.process.rate, dtMs, this.schedRng);
      for (let i = 0; i < due; i++) this.tickSymbol(s, ts);
      n += due;
    }
    this.expire(ts);
    return n;
  }

  /** Place an order (ids must be unique at the venue); `owner` hears its fills. */
  place(symbol: string, input: BookOrderInput, owner: OrderOwner, ts = this.ts): BookOrder {
    const s = this.symbolOf(symbol);
    this.ts = ts;
    this.owners.set(input.id, owner);
    return s.book.add(input);
  }

  placeOco(
    symbol: string,
    a: BookOrderInput,
    b: BookOrderInput,
    owner: OrderOwner,
    ts = this.ts,
  ): [BookOrder, BookOrder] {
    const s = this.symbolOf(symbol);
    this.ts = ts;
    this.owners.set(a.id, owner).set(b.id, owner);
    return s.book.addOco(a, b);
  }

  placeBracket(
    symbol: string,
    entry: BookOrderInput,
    exits: Parameters<OrderBook['addBracket']>[1],
    owner: OrderOwner,
    ts = this.ts,
  ): ReturnType<OrderBook['addBracket']> {
    const s = this.symbolOf(symbol);
    this.ts = ts;
    this.owners.set(entry.id, owner);
    if (exits.takeProfit !== undefined) this.owners.set(exits.takeProfit.id, owner);
    if (exits.stopLoss !== undefined) this.owners.set(exits.stopLoss.id, owner);
    return s.book.addBracket(entry, exits);
  }

  amend(
    symbol: string,
    id: string,
    change: Parameters<OrderBook['amend']>[1],
    ts = this.ts,
  ): BookOrder | undefined {
    this.ts = ts;
    return this.symbolOf(symbol).book.amend(id, change);
  }

  cancel(symbol: string, id: string, ts = this.ts): BookOrder | undefined {
    this.ts = ts;
    return this.symbolOf(symbol).book.cancel(id);
  }

  order(symbol: string, id: string): BookOrder | undefined {
    return this.symbolsBy.get(symbol)?.book.order(id);
  }

  private symbolOf(symbol: string): VenueSymbol {
    const s = this.symbolsBy.get(symbol);
    if (s === undefined) throw new Error(`unknown symbol ${symbol}`);
    return s;
  }

  private tickSymbol(s: VenueSymbol, ts: number): void {
    const t = s.process.next(ts);
    const step = s.spec.instrument.qtyStep;
    s.quote = {
      symbol: t.symbol,
      bid: t.bid,
      ask: t.ask,
      bidSize: t.bidSize,
      askSize: t.askSize,
      last: t.last,
      volume: t.tradeSize > 0 ? roundToStep(s.quote.volume + t.tradeSize, step) : s.quote.volume,
      ts,
    };
    for (const l of this.tickListeners) l(t, s.quote);
    s.book.tick(t);
  }

  private expire(ts: number): void {
    for (const s of this.symbolsBy.values()) if (s.book.size > 0) s.book.expire(ts);
    if (this.owners.size >= this.sweepAt) this.sweepOwners();
  }

  private sweepOwners(): void {
    const live = new Set<string>();
    for (const s of this.symbolsBy.values()) for (const o of s.book.open()) live.add(o.id);
    for (const id of this.owners.keys()) if (!live.has(id)) this.owners.delete(id);
    this.sweepAt = Math.max(4096, this.owners.size * 2);
  }
}
