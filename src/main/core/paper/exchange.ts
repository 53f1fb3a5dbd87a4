/**
 * The paper broker's exchange: simulated markets plus an order matcher with a cash account.
 * It plays the broker's servers, so unlike an adapter it does keep orders and positions — the
 * engine's Ledger still learns about them only through the events it emits.
 *
 * Matching rules (per tick, after the quote moves):
 * - market: fills against the displayed top-of-book size; the rest fills on later ticks.
 * - limit: fills at the touch when the opposite side crosses it (price improvement on arrival),
 *   or at its limit when a trade prints through it; partial fills are normal.
 * - stop / stop-limit: trigger when a trade prints at or through the stop (as CME does: quotes
 *   never trigger), then behave as market / limit. A stop already at or through the last trade
 *   is rejected, on placement and on modify.
 * - tif: `ioc` cancels whatever did not fill on arrival; `day` expires at the next 00:00 UTC
 *   (the sim's session boundary); `gtc` rests until filled or cancelled.
 * - day P&L: at each session boundary the account's equity is marked and becomes the next
 *   session's start-of-day equity.
 */
import {
  type Bar,
  type Fill,
  type Instrument,
  type Order,
  type Quote,
  type Timeframe,
  isOrderDone,
  timeframeMs,
} from '../../../shared/domain';
import { fail, ok, type Result } from '../../../shared/contract';
import { isOnStep, isOnTick, roundToStep } from '../../../shared/money';
import type { ConnectionEvent, ModifyOrder, PlaceOrder, ReportedAccount } from '../connection';
import { aggregateBars, barTime, foldTrade } from '../bars';
import { generateHistory } from './history';
import { PAPER_CONNECTION_ID, paperInstruments, type PaperInstrument } from './instruments';
import { PriceProcess, type MarketTick } from './priceProcess';
import { deriveSeed, mulberry32 } from '../../../shared/random';

export const PAPER_ACCOUNT_ID = 'PAPER-1';
export const PAPER_START_CASH = 100_000;
const DAY_MS = 86_400_000;

export interface ExchangeOptions {
  seed: number;
  now?: () => number;
  startCash?: number;
  accountId?: string;
  instruments?: readonly PaperInstrument[];
  /** Minutes of 1m history generated at start (default five days). */
  historyMinutes?: number;
}

interface Market {
  spec: PaperInstrument;
  process: PriceProcess;
  quote: Quote;
  /** Completed and forming 1m bars, oldest first. */
  bars1m: Bar[];
  /** Liquidity still displayed at the touch during the current tick (consumed by our fills). */
  askLeft: number;
  bidLeft: number;
  /** The trade printed on the current tick, if any (limit orders fill when it prints through). */
  tradePrice: number | null;
  tradeLeft: number;
  /** Orders resting on this symbol, in time priority. */
  book: WorkingOrder[];
  /** Fractional scheduler credit: ticks owed to this symbol. */
  credit: number;
}

interface WorkingOrder {
  order: Order;
  triggered: boolean;
  expiresAt: number | null;
}

interface Holding {
  qty: number;
  avgPrice: number;
}

export type ExchangeListener = (event: ConnectionEvent) => void;

export class PaperExchange {
  readonly accountId: string;
  private readonly now: () => number;
  private readonly markets = new Map<string, Market>();
  private readonly orders = new Map<string, WorkingOrder>();
  private readonly allFills: Fill[] = [];
  private readonly holdings = new Map<string, Holding>();
  private readonly listeners = new Set<ExchangeListener>();
  private readonly startCash: number;
  private realized = 0;
  private fees = 0;
  private orderSeq = 0;
  private fillSeq = 0;
  private timer: NodeJS.Timeout | null = null;
  private lastAdvanceAt = 0;
  private readonly schedRng;
  /** The current session (days since the epoch, UTC) and the equity it started with. */
  private sessionDay: number;
  private startOfDayEquity: number;

  constructor(opts: ExchangeOptions) {
    this.now = opts.now ?? Date.now;
    this.startCash = opts.startCash ?? PAPER_START_CASH;
    this.accountId = opts.accountId ?? PAPER_ACCOUNT_ID;
    const start = this.now();
    this.sessionDay = Math.floor(start / DAY_MS);
    this.startOfDayEquity = this.startCash;
    this.schedRng = mulberry32(deriveSeed(opts.seed, '#scheduler'));
    for (const spec of opts.instruments ?? paperInstruments) {
      const symbol = spec.instrument.symbol;
      const process = new PriceProcess(spec, mulberry32(deriveSeed(opts.seed, symbol)));
      const bars1m = generateHistory(
        spec,
        mulberry32(deriveSeed(opts.seed, `${symbol}#history`)),
        start,
        opts.historyMinutes,
      );
      const open =
        bars1m.find((b) => Math.floor(b.time / DAY_MS) === this.sessionDay)?.open ?? spec.startPrice;
      this.markets.set(symbol, {
        spec,
        process,
        quote: {
          symbol,
          connectionId: PAPER_CONNECTION_ID,
          bid: process.bid,
          ask: process.ask,
          last: process.last,
          bidSize: roundToStep(spec.bookSize * spec.instrument.qtyStep, spec.instrument.qtyStep),
          askSize: roundToStep(spec.bookSize * spec.instrument.qtyStep, spec.instrument.qtyStep),
          open,
          volume: 0,
          ts: start,
          receivedAt: start,
        },
        bars1m,
        askLeft: 0, // set just below from the opening quote
        bidLeft: 0,
        tradePrice: null,
        tradeLeft: 0,
        book: [],
        credit: 0,
      });
      const m = this.markets.get(symbol);
      if (m !== undefined) {
        m.askLeft = m.quote.askSize;
        m.bidLeft = m.quote.bidSize;
      }
    }
  }

  onEvent(listener: ExchangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: ConnectionEvent): void {
    for (const l of this.listeners) l(event);
  }

  instruments(): Instrument[] {
    return [...this.markets.values()].map((m) => m.spec.instrument);
  }

  instrument(symbol: string): Instrument | undefined {
    return this.markets.get(symbol)?.spec.instrument;
  }

  quote(symbol: string): Quote | undefined {
    return this.markets.get(symbol)?.quote;
  }

  quotes(): Quote[] {
    return [...this.markets.values()].map((m) => m.quote);
  }

  openOrders(): Order[] {
    return [...this.orders.values()].filter((w) => !isDone(w.order)).map((w) => ({ ...w.order }));
  }

  allOrders(): Order[] {
    return [...this.orders.values()].map((w) => ({ ...w.order }));
  }

  fills(): Fill[] {
    return this.allFills.slice();
  }

  position(symbol: string): { qty: number; avgPrice: number } {
    const h = this.holdings.get(symbol);
    return h === undefined ? { qty: 0, avgPrice: 0 } : { ...h };
  }

  account(): ReportedAccount {
    return {
      accountId: this.accountId,
      name: 'Paper account',
      currency: 'USD',
      cash: round2(this.startCash + this.realized - this.fees),
      startOfDayEquity: this.startOfDayEquity,
    };
  }

  /** Mark-to-market equity the buying-power check uses (mid prices, contract multipliers). */
  equity(): number {
    let unrealized = 0;
    for (const [symbol, h] of this.holdings) {
      const m = this.markets.get(symbol);
      if (m === undefined || h.qty === 0) continue;
      unrealized += ((m.quote.bid + m.quote.ask) / 2 - h.avgPrice) * h.qty * m.spec.instrument.multiplier;
    }
    return this.startCash + this.realized - this.fees + unrealized;
  }

  // ---------------------------------------------------------------- market clock

  /**
   * Crossing into a new session: mark equity at the prices the old one closed with (before the
   * new session's first tick) as the new start of day, so day P&L starts again from zero.
   */
  private rollSession(ts: number): void {
    const day = Math.floor(ts / DAY_MS);
    if (day <= this.sessionDay) return;
    this.sessionDay = day;
    this.startOfDayEquity = round2(this.equity());
    this.emit({ type: 'account', account: this.account() });
  }

  /** Advance every symbol by exactly one tick (deterministic; what tests drive). */
  step(): void {
    const ts = this.now();
    this.rollSession(ts);
    for (const m of this.markets.values()) this.tickMarket(m, ts);
    this.expireDayOrders(ts);
  }

  /** Advance one symbol by one tick. */
  stepSymbol(symbol: string): void {
    const m = this.markets.get(symbol);
    if (m === undefined) return;
    const ts = this.now();
    this.rollSession(ts);
    this.tickMarket(m, ts);
  }

  /**
   * Advance the market by `dtMs` of wall time: each symbol ticks at its regime's rate (a few per
   * second, many more in bursts). Returns the number of ticks generated.
   */
  advance(dtMs: number): number {
    const ts = this.now();
    this.rollSession(ts);
    let n = 0;
    for (const m of this.markets.values()) {
      m.credit += (m.process.rate * dtMs) / 1000;
      // Jitter so symbols do not tick in lockstep.
      while (m.credit >= 1 || (m.credit > 0 && this.schedRng() < m.credit * 0.1)) {
        m.credit -= 1;
        this.tickMarket(m, ts);
        n++;
      }
    }
    this.expireDayOrders(ts);
    return n;
  }

  /** Start ticking on an unref'd timer (does not keep the process alive). */
  start(intervalMs = 50): void {
    if (this.timer !== null) return;
    this.lastAdvanceAt = this.now();
    this.timer = setInterval(() => {
      const t = this.now();
      // Clamp so a laptop waking from sleep does not replay minutes of ticks at once.
      const dt = Math.min(1000, Math.max(0, t - this.lastAdvanceAt));
      this.lastAdvanceAt = t;
      this.advance(dt);
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  get running(): boolean {
    return this.timer !== null;
  }

  private tickMarket(m: Market, ts: number): void {
    const t: MarketTick = m.process.next(ts);
    const q = m.quote;
    const volume = t.tradeSize > 0 ? q.volume + t.tradeSize : q.volume;
    m.quote = {
      symbol: t.symbol,
      connectionId: PAPER_CONNECTION_ID,
      bid: t.bid,
      ask: t.ask,
      last: t.last,
      bidSize: t.bidSize,
      askSize: t.askSize,
      open: q.open,
      volume: roundToStep(volume, m.spec.instrument.qtyStep),
      ts,
      receivedAt: ts,
    };
    m.askLeft = t.askSize;
    m.bidLeft = t.bidSize;
    m.tradePrice = t.tradeSize > 0 ? t.last : null;
    m.tradeLeft = t.tradeSize;
    this.emit({ type: 'quote', quote: m.quote });
    if (t.tradeSize > 0) {
      const bt = barTime(ts, '1m');
      const lastBar = m.bars1m[m.bars1m.length - 1];
      const bar = foldTrade(
        lastBar !== undefined && lastBar.time === bt ? lastBar : undefined,
        bt,
        t.last,
        t.tradeSize,
      );
      if (bar !== lastBar) m.bars1m.push(bar);
      this.emit({ type: 'trade', symbol: t.symbol, price: t.last, size: t.tradeSize, ts });
    }
    if (m.book.length > 0) this.matchBook(m, ts);
  }

  // ---------------------------------------------------------------- history

  /** Bars up to now, oldest first; the last bar may be the one forming. */
  history(symbol: string, timeframe: Timeframe, count: number): Bar[] {
    const m = this.markets.get(symbol);
    if (m === undefined) return [];
    const bars = m.bars1m;
    const last = bars[bars.length - 1];
    if (last === undefined || count <= 0) return [];
    // Walk back to the first 1m bar of the oldest wanted bucket, so no aggregated bar is cut short.
    const from = barTime(last.time, timeframe) - (count - 1) * timeframeMs[timeframe];
    let i = bars.length;
    while (i > 0 && (bars[i - 1]?.time ?? 0) >= from) i--;
    return aggregateBars(bars.slice(i), timeframe);
  }

  // ---------------------------------------------------------------- orders

  private validate(
    inst: Instrument | undefined,
    symbol: string,
    qty: number,
    limitPrice: number | undefined | null,
    stopPrice: number | undefined | null,
  ): Result<Instrument> {
    if (inst === undefined) return fail('unknown_symbol', `${symbol} is not traded on the paper broker.`);
    for (const [label, price] of [
      ['Limit price', limitPrice],
      ['Stop price', stopPrice],
    ] as const) {
      if (price !== undefined && price !== null && !isOnTick(price, inst.tickSize))
        return fail(
          'off_tick',
          `${label} ${price} is not on ${inst.symbol}'s tick grid: the tick size is ${inst.tickSize}, so use e.g. ${roundToStep(price, inst.tickSize)}.`,
        );
    }
    if (!isOnStep(qty, inst.qtyStep))
      return fail(
        'bad_qty',
        `Quantity ${qty} is not a multiple of ${inst.symbol}'s quantity step ${inst.qtyStep}.`,
      );
    return ok(inst);
  }

  place(req: PlaceOrder): Result<Order> {
    const m = this.markets.get(req.symbol);
    const v = this.validate(m?.spec.instrument, req.symbol, req.qty, req.limitPrice, req.stopPrice);
    if (!v.ok || m === undefined)
      return v.ok ? fail('unknown_symbol', `${req.symbol} is not traded here.`) : v;
    if (req.accountId !== this.accountId)
      return fail(
        'unknown_account',
        `Account ${req.accountId} does not exist on the paper broker (use ${this.accountId}).`,
      );
    const inst = v.value;
    const q = m.quote;
    const isBuy = req.side === 'buy';
    if (req.type === 'stop' || req.type === 'stop_limit') {
      const side = checkStopSide(req.side, req.stopPrice, q.last);
      if (!side.ok) return side;
    }
    // Buying power: only the part of the order that adds exposure needs margin.
    const held = this.holdings.get(req.symbol)?.qty ?? 0;
    const signed = isBuy ? req.qty : -req.qty;
    const added = Math.max(0, Math.abs(held + signed) - Math.abs(held));
    if (added > 0) {
      const px = req.limitPrice ?? req.stopPrice ?? (isBuy ? q.ask : q.bid);
      const needed = added * px * inst.multiplier * m.spec.marginRate;
      const available = this.equity() - this.marginInUse();
      if (needed > available)
        return fail(
          'insufficient_buying_power',
          `Insufficient buying power: ${req.side} ${req.qty} ${req.symbol} needs ${usd(needed)} of margin, and ${usd(Math.max(0, available))} is available.`,
        );
    }
    const ts = this.now();
    const order: Order = {
      id: `P-${++this.orderSeq}`,
      clientOrderId: req.clientOrderId,
      connectionId: PAPER_CONNECTION_ID,
      accountId: this.accountId,
      symbol: req.symbol,
      side: req.side,
      type: req.type,
      tif: req.tif,
      qty: req.qty,
      filledQty: 0,
      avgFillPrice: null,
      limitPrice: req.limitPrice ?? null,
      stopPrice: req.stopPrice ?? null,
      status: 'working',
      rejectReason: null,
      heldBy: 'broker',
      createdAt: ts,
      updatedAt: ts,
    };
    const w: WorkingOrder = {
      order,
      triggered: false,
      expiresAt: req.tif === 'day' ? (Math.floor(ts / DAY_MS) + 1) * DAY_MS : null,
    };
    this.orders.set(order.id, w);
    m.book.push(w);
    this.emit({ type: 'order', order: { ...order } });
    this.matchOrder(m, w, ts, true);
    if (req.tif === 'ioc' && !isDone(w.order)) this.finish(m, w, 'cancelled', ts);
    return ok({ ...w.order });
  }

  modify(orderId: string, change: Omit<ModifyOrder, 'idempotencyKey'>): Result<Order> {
    const w = this.orders.get(orderId);
    if (w === undefined) return fail('not_found', `Order ${orderId} does not exist.`);
    if (isDone(w.order))
      return fail('order_done', `Order ${orderId} is already ${w.order.status} and can't be modified.`);
    const m = this.markets.get(w.order.symbol);
    const v = this.validate(
      m?.spec.instrument,
      w.order.symbol,
      change.qty ?? w.order.qty,
      change.limitPrice,
      change.stopPrice,
    );
    if (!v.ok || m === undefined) return v.ok ? fail('unknown_symbol', 'Unknown symbol.') : v;
    if (change.limitPrice !== undefined && w.order.type !== 'limit' && w.order.type !== 'stop_limit')
      return fail('invalid_request', `A ${w.order.type} order has no limit price to change.`);
    if (change.stopPrice !== undefined && w.order.type !== 'stop' && w.order.type !== 'stop_limit')
      return fail('invalid_request', `A ${w.order.type} order has no stop price to change.`);
    if (change.qty !== undefined && change.qty <= w.order.filledQty)
      return fail('bad_qty', `Quantity must stay above the ${w.order.filledQty} already filled.`);
    if (change.stopPrice !== undefined && !w.triggered) {
      const side = checkStopSide(w.order.side, change.stopPrice, m.quote.last);
      if (!side.ok) return side;
    }
    const ts = this.now();
    w.order = {
      ...w.order,
      qty: change.qty ?? w.order.qty,
      limitPrice: change.limitPrice ?? w.order.limitPrice,
      stopPrice: change.stopPrice ?? w.order.stopPrice,
      updatedAt: ts,
    };
    this.emit({ type: 'order', order: { ...w.order } });
    this.matchOrder(m, w, ts, true);
    return ok({ ...w.order });
  }

  cancel(orderId: string): Result<Order> {
    const w = this.orders.get(orderId);
    if (w === undefined) return fail('not_found', `Order ${orderId} does not exist.`);
    if (isDone(w.order)) return fail('order_done', `Order ${orderId} is already ${w.order.status}.`);
    const m = this.markets.get(w.order.symbol);
    if (m === undefined) return fail('unknown_symbol', 'Unknown symbol.');
    this.finish(m, w, 'cancelled', this.now());
    return ok({ ...w.order });
  }

  private marginInUse(): number {
    let used = 0;
    for (const [symbol, h] of this.holdings) {
      const m = this.markets.get(symbol);
      if (m === undefined) continue;
      used +=
        Math.abs(h.qty) *
        ((m.quote.bid + m.quote.ask) / 2) *
        m.spec.instrument.multiplier *
        m.spec.marginRate;
    }
    return used;
  }

  private matchBook(m: Market, ts: number): void {
    // Copy: fills remove finished orders from the book while we walk it.
    for (const w of m.book.slice()) this.matchOrder(m, w, ts, false);
  }

  private matchOrder(m: Market, w: WorkingOrder, ts: number, onArrival: boolean): void {
    const o = w.order;
    if (isDone(o)) return;
    const q = m.quote;
    const isBuy = o.side === 'buy';
    if ((o.type === 'stop' || o.type === 'stop_limit') && !w.triggered) {
      // Only a trade printed on this tick, after the order rested, triggers: a one-tick spread
      // must not fire a buy stop one tick above the last through the ask.
      const stop = o.stopPrice ?? 0;
      const trade = onArrival ? null : m.tradePrice;
      const hit = trade !== null && (isBuy ? trade >= stop : trade <= stop);
      if (!hit) return;
      w.triggered = true;
    }
    const asMarket = o.type === 'market' || o.type === 'stop';
    let remaining = o.qty - o.filledQty;
    const step = m.spec.instrument.qtyStep;
    // 1) Take displayed liquidity at the touch.
    const touch = isBuy ? q.ask : q.bid;
    const marketable =
      asMarket || (isBuy ? touch <= (o.limitPrice ?? 0) : touch >= (o.limitPrice ?? Infinity));
    if (marketable) {
      const avail = isBuy ? m.askLeft : m.bidLeft;
      const qty = roundToStep(Math.min(remaining, avail), step);
      if (qty > 0) {
        if (isBuy) m.askLeft = roundToStep(m.askLeft - qty, step);
        else m.bidLeft = roundToStep(m.bidLeft - qty, step);
        this.fill(m, w, qty, touch, ts);
        remaining = roundToStep(remaining - qty, step);
      }
    }
    // 2) A resting limit also fills at its price when a trade prints through it.
    if (
      !asMarket &&
      !onArrival &&
      remaining > 0 &&
      m.tradePrice !== null &&
      m.tradeLeft > 0 &&
      !isDone(w.order)
    ) {
      const limit = o.limitPrice ?? 0;
      const through = isBuy ? m.tradePrice <= limit : m.tradePrice >= limit;
      if (through) {
        const qty = roundToStep(Math.min(remaining, m.tradeLeft), step);
        if (qty > 0) {
          m.tradeLeft = roundToStep(m.tradeLeft - qty, step);
          this.fill(m, w, qty, limit, ts);
        }
      }
    }
  }

  private commission(inst: Instrument, order: Order, qty: number, price: number): number {
    switch (inst.assetClass) {
      case 'future':
        return round2(2.25 * qty);
      case 'stock': {
        // $0.005/share with a $1 minimum per order: charge the increment of the order's total.
        const total = (filled: number) => (filled <= 0 ? 0 : Math.max(1, 0.005 * filled));
        return round2(total(order.filledQty + qty) - total(order.filledQty));
      }
      case 'crypto':
        return round2(0.001 * qty * price * inst.multiplier);
    }
  }

  private fill(m: Market, w: WorkingOrder, qty: number, price: number, ts: number): void {
    const inst = m.spec.instrument;
    const o = w.order;
    const commission = this.commission(inst, o, qty, price);
    const filledQty = roundToStep(o.filledQty + qty, inst.qtyStep);
    const avg = ((o.avgFillPrice ?? 0) * o.filledQty + price * qty) / filledQty;
    const fill: Fill = {
      id: `PX-${++this.fillSeq}`,
      orderId: o.id,
      connectionId: PAPER_CONNECTION_ID,
      accountId: this.accountId,
      symbol: o.symbol,
      side: o.side,
      qty,
      price,
      commission,
      ts,
    };
    this.allFills.push(fill);
    this.applyHolding(inst, o.side === 'buy' ? qty : -qty, price, commission);
    w.order = {
      ...o,
      filledQty,
      avgFillPrice: Number(avg.toFixed(inst.pricePrecision + 4)),
      status: filledQty >= o.qty ? 'filled' : 'partially_filled',
      updatedAt: ts,
    };
    if (w.order.status === 'filled') this.removeFromBook(m, w);
    this.emit({ type: 'fill', fill });
    this.emit({ type: 'order', order: { ...w.order } });
    this.emit({ type: 'account', account: this.account() });
  }

  private applyHolding(inst: Instrument, signedQty: number, price: number, commission: number): void {
    const h = this.holdings.get(inst.symbol) ?? { qty: 0, avgPrice: 0 };
    const step = inst.qtyStep;
    this.fees += commission;
    if (h.qty === 0 || Math.sign(h.qty) === Math.sign(signedQty)) {
      const qty = roundToStep(h.qty + signedQty, step);
      h.avgPrice = (h.avgPrice * Math.abs(h.qty) + price * Math.abs(signedQty)) / Math.abs(qty);
      h.qty = qty;
    } else {
      const closing = Math.min(Math.abs(signedQty), Math.abs(h.qty));
      this.realized += (price - h.avgPrice) * closing * Math.sign(h.qty) * inst.multiplier;
      const qty = roundToStep(h.qty + signedQty, step);
      if (qty === 0) h.avgPrice = 0;
      else if (Math.sign(qty) !== Math.sign(h.qty)) h.avgPrice = price;
      h.qty = qty;
    }
    this.holdings.set(inst.symbol, h);
  }

  private removeFromBook(m: Market, w: WorkingOrder): void {
    const i = m.book.indexOf(w);
    if (i >= 0) m.book.splice(i, 1);
  }

  private finish(m: Market, w: WorkingOrder, status: 'cancelled' | 'expired', ts: number): void {
    w.order = { ...w.order, status, updatedAt: ts };
    this.removeFromBook(m, w);
    this.emit({ type: 'order', order: { ...w.order } });
  }

  private expireDayOrders(ts: number): void {
    for (const m of this.markets.values()) {
      if (m.book.length === 0) continue;
      for (const w of m.book.slice())
        if (w.expiresAt !== null && ts >= w.expiresAt) this.finish(m, w, 'expired', ts);
    }
  }
}

/** A stop at or through the last trade would trigger at once: the trader meant a market order. */
function checkStopSide(side: Order['side'], stopPrice: number | undefined, last: number): Result<null> {
  if (stopPrice === undefined) return ok(null);
  const isBuy = side === 'buy';
  if (isBuy ? stopPrice > last : stopPrice < last) return ok(null);
  return fail(
    'stop_wrong_side',
    `A ${side} stop must be ${isBuy ? 'above' : 'below'} the last price (${last}); ${stopPrice} would trigger at once.`,
  );
}

function isDone(o: Order): boolean {
  return isOrderDone(o.status);
}

function usd(x: number): string {
  return `$${x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
