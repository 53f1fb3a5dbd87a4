/**
 * The paper broker's exchange: simulated markets plus an order matcher with a cash account.
 * It plays the broker's servers, so unlike an adapter it does keep orders and positions — the
 * engine's Ledger still learns about them only through the events it emits.
 *
 * Matching is the shared venue's (`src/exchange/orderBook.ts`: market at the touch, limits at the
 * touch or through a print, stops triggered by trades only, partial fills). On top of it the
 * paper broker adds:
 * - a stop already at or through the last trade is rejected, on placement and on modify;
 * - tif `day` expires at the next 00:00 UTC (the sim's session boundary); `gtc` rests until
 *   filled or cancelled;
 * - a buying-power check on the part of an order that adds exposure, and commissions;
 * - day P&L: at each session boundary the account's equity is marked and becomes the next
 *   session's start-of-day equity.
 */
import {
  type Bar,
  type Depth,
  type Fill,
  type Instrument,
  type Order,
  type Quote,
  type Timeframe,
  MAX_DEPTH_LEVELS,
  isOrderDone,
  timeframeMs,
} from '../../../shared/domain';
import { syntheticBook } from '../../../exchange/depth';
import { foldAverageCost } from '../../../shared/averageCost';
import { fail, ok, type Result } from '../../../shared/contract';
import { roundToStep } from '../../../shared/money';
import type { ConnectionEvent, ModifyOrder, PlaceOrder, ReportedAccount } from '../connection';
import { barTime, foldTrade, pageBars } from '../bars';
import { generateHistory } from '../../../exchange/history';
import {
  type BookChange,
  type BookOrder,
  type BookOrderInput,
  OrderBook,
  type Trail,
} from '../../../exchange/orderBook';
import { PriceProcess, type MarketTick } from '../../../exchange/priceProcess';
import { checkGrid, checkStopSide } from '../../../exchange/rules';
import { ticksDue } from '../../../exchange/scheduler';
import { PAPER_CONNECTION_ID, paperInstruments, type PaperInstrument } from './instruments';
import { deriveSeed, mulberry32 } from '../../../shared/random';

export const PAPER_ACCOUNT_ID = 'PAPER-1';
export const PAPER_START_CASH = 100_000;
/** Book levels per side the paper broker streams to a ladder. */
const PAPER_DEPTH_LEVELS = 10;
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

/** 5s bars kept per symbol: about 14 hours, enough for 15s charts to scroll back a session. */
const MAX_SECOND_BARS = 10_000;

interface Market {
  spec: PaperInstrument;
  process: PriceProcess;
  quote: Quote;
  /** Completed and forming 1m bars, oldest first. */
  bars1m: Bar[];
  /** 5s bars built from this session's prints (no generated past), oldest first, capped. */
  bars5s: Bar[];
  /** The venue's book for this symbol: the touch, and our orders resting on it. */
  book: OrderBook;
  /** Fractional scheduler credit: ticks owed to this symbol. */
  credit: number;
}

interface WorkingOrder {
  order: Order;
}

interface Holding {
  qty: number;
  avgPrice: number;
}

/** A bracket exit: its side and quantity follow the entry. */
export type BracketExit = Pick<PlaceOrder, 'type' | 'limitPrice' | 'stopPrice'>;

export type { Trail };

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
  /**
   * Execution ids are unique across launches, as a real broker's are: the trade journal keeps
   * fills by id in the data directory, and a restarted paper broker must not reuse "PX-1".
   */
  private readonly fillTag: string;
  private timer: NodeJS.Timeout | null = null;
  private lastAdvanceAt = 0;
  private readonly schedRng;
  /** The clock reading of the book operation in progress (fills and state changes carry it). */
  private bookTs = 0;
  /** The current session (days since the epoch, UTC) and the equity it started with. */
  private sessionDay: number;
  private startOfDayEquity: number;

  constructor(opts: ExchangeOptions) {
    this.now = opts.now ?? Date.now;
    this.startCash = opts.startCash ?? PAPER_START_CASH;
    this.accountId = opts.accountId ?? PAPER_ACCOUNT_ID;
    const start = this.now();
    this.fillTag = start.toString(36);
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
      const quote: Quote = {
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
      };
      const book = new OrderBook(
        spec.instrument,
        {
          fill: (o, qty, price) => this.onBookFill(symbol, o, qty, price),
          done: (o) => this.onBookDone(o),
          changed: (o, change) => this.onBookChanged(o, change),
        },
        { ...quote, tradeSize: 0 },
      );
      this.markets.set(symbol, { spec, process, quote, bars1m, bars5s: [], book, credit: 0 });
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

  /**
   * The venue's book around the current quote (`syntheticBook`): level 0 is the quote's bid and
   * ask with their sizes, `levels` per side. The trader's own resting orders are not in it.
   */
  depth(symbol: string, levels = PAPER_DEPTH_LEVELS): Depth | undefined {
    const m = this.markets.get(symbol);
    if (m === undefined) return undefined;
    const { instrument, bookSize } = m.spec;
    const book = syntheticBook(m.quote, {
      tickSize: instrument.tickSize,
      qtyStep: instrument.qtyStep,
      bookSize,
      levels: Math.min(levels, MAX_DEPTH_LEVELS),
      symbol,
    });
    return { connectionId: PAPER_CONNECTION_ID, symbol, ...book, ts: m.quote.ts };
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
      const due = ticksDue(m, m.process.rate, dtMs, this.schedRng);
      for (let i = 0; i < due; i++) this.tickMarket(m, ts);
      n += due;
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
      const st = barTime(ts, '5s');
      const last5 = m.bars5s[m.bars5s.length - 1];
      const bar5 = foldTrade(
        last5 !== undefined && last5.time === st ? last5 : undefined,
        st,
        t.last,
        t.tradeSize,
      );
      if (bar5 !== last5) {
        m.bars5s.push(bar5);
        if (m.bars5s.length > MAX_SECOND_BARS) m.bars5s.splice(0, m.bars5s.length - MAX_SECOND_BARS);
      }
      this.emit({ type: 'trade', symbol: t.symbol, price: t.last, size: t.tradeSize, ts });
    }
    this.bookTs = ts;
    m.book.tick(t);
  }

  // ---------------------------------------------------------------- history

  /**
   * Bars up to now (or opening before `before`), oldest first; the last bar may be the one
   * forming. Seconds come from this session's prints only: the generated past is minute bars.
   */
  history(symbol: string, timeframe: Timeframe, count: number, before?: number): Bar[] {
    const m = this.markets.get(symbol);
    if (m === undefined) return [];
    const base = timeframeMs[timeframe] < 60_000 ? m.bars5s : m.bars1m;
    return pageBars(base, timeframe, count, before);
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
    return checkGrid(inst, qty, limitPrice, stopPrice);
  }

  place(req: PlaceOrder): Result<Order> {
    const admitted = this.admit(req);
    if (!admitted.ok) return admitted;
    const m = admitted.value;
    const ts = this.now();
    const w = this.open(req, ts, 'working');
    this.bookTs = ts;
    m.book.add(this.bookInput(w.order, ts));
    return ok({ ...w.order });
  }

  /**
   * A trailing stop (a `stop` or `stop_limit` without a stop price): the venue sets the stop from
   * the last trade and moves it only in the protective direction; every move is a new order version.
   */
  placeTrailingStop(req: PlaceOrder, trail: Trail): Result<Order> {
    if (req.type !== 'stop' && req.type !== 'stop_limit')
      return fail('invalid_request', 'A trailing stop is a stop or stop-limit order.');
    if (!(trail.value > 0)) return fail('invalid_request', 'The trailing distance must be positive.');
    const admitted = this.admit({ ...req, stopPrice: undefined });
    if (!admitted.ok) return admitted;
    const m = admitted.value;
    const ts = this.now();
    const w = this.open({ ...req, stopPrice: undefined }, ts, 'working');
    this.bookTs = ts;
    const bo = m.book.add({ ...this.bookInput(w.order, ts), trail });
    this.syncPrices(w, bo, ts);
    return ok({ ...w.order });
  }

  /** Two orders on one symbol where the first fill (or trigger) of one cancels the other. */
  placeOco(a: PlaceOrder, b: PlaceOrder): Result<[Order, Order]> {
    if (a.symbol !== b.symbol) return fail('invalid_request', 'Both legs of an OCO trade one symbol.');
    const va = this.admit(a);
    if (!va.ok) return va;
    const vb = this.admit(b);
    if (!vb.ok) return vb;
    const ts = this.now();
    const wa = this.open(a, ts, 'working');
    const wb = this.open(b, ts, 'working');
    this.bookTs = ts;
    va.value.book.addOco(this.bookInput(wa.order, ts), this.bookInput(wb.order, ts));
    return ok([{ ...wa.order }, { ...wb.order }]);
  }

  /**
   * An entry with exits: the exits wait (`pending`) until the entry fills, then work as an OCO
   * pair sized to what filled. Exits close the entry's position, so only the entry needs margin.
   */
  placeBracket(
    entry: PlaceOrder,
    exits: { takeProfit?: BracketExit; stopLoss?: BracketExit },
  ): Result<{ entry: Order; takeProfit: Order | null; stopLoss: Order | null }> {
    const admitted = this.admit(entry);
    if (!admitted.ok) return admitted;
    const m = admitted.value;
    const inst = m.spec.instrument;
    const exitSide = entry.side === 'buy' ? 'sell' : 'buy';
    for (const x of [exits.takeProfit, exits.stopLoss]) {
      if (x === undefined) continue;
      const v = checkGrid(inst, entry.qty, x.limitPrice, x.stopPrice);
      if (!v.ok) return v;
    }
    const ts = this.now();
    const we = this.open(entry, ts, 'working');
    const exit = (x: BracketExit | undefined, suffix: string): WorkingOrder | null =>
      x === undefined
        ? null
        : this.open(
            {
              ...entry,
              type: x.type,
              limitPrice: x.limitPrice,
              stopPrice: x.stopPrice,
              side: exitSide,
              clientOrderId: `${entry.clientOrderId}-${suffix}`,
            },
            ts,
            'pending',
          );
    const tp = exit(exits.takeProfit, 'tp');
    const sl = exit(exits.stopLoss, 'sl');
    this.bookTs = ts;
    const placed = m.book.addBracket(this.bookInput(we.order, ts), {
      ...(tp === null ? {} : { takeProfit: this.bookInput(tp.order, ts) }),
      ...(sl === null ? {} : { stopLoss: this.bookInput(sl.order, ts) }),
    });
    if (sl !== null && placed.stopLoss !== null) this.syncPrices(sl, placed.stopLoss, ts);
    return ok({
      entry: { ...we.order },
      takeProfit: tp === null ? null : { ...tp.order },
      stopLoss: sl === null ? null : { ...sl.order },
    });
  }

  /** Validation, account and buying power: everything an order must pass before the book sees it. */
  private admit(req: PlaceOrder): Result<Market> {
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
    const px = req.limitPrice ?? req.stopPrice ?? (isBuy ? q.ask : q.bid);
    const power = this.checkBuyingPower(m, inst, req.side, req.qty, px);
    return power.ok ? ok(m) : power;
  }

  /**
   * Buying power, the same rule on placement and on modify: only the part of the order that adds
   * exposure needs margin. A modify that raises the quantity or moves the price must pass it too,
   * or a 1-lot raised to 100,000 would fill far beyond the account.
   */
  private checkBuyingPower(
    m: Market,
    inst: Instrument,
    side: Order['side'],
    qty: number,
    px: number,
  ): Result<null> {
    const held = this.holdings.get(inst.symbol)?.qty ?? 0;
    const signed = side === 'buy' ? qty : -qty;
    const added = Math.max(0, Math.abs(held + signed) - Math.abs(held));
    if (added === 0) return ok(null);
    const needed = added * px * inst.multiplier * m.spec.marginRate;
    const available = this.equity() - this.marginInUse();
    if (needed > available)
      return fail(
        'insufficient_buying_power',
        `Insufficient buying power: ${side} ${qty} ${inst.symbol} needs ${usd(needed)} of margin, and ${usd(Math.max(0, available))} is available.`,
      );
    return ok(null);
  }

  /** Record a new order and announce it (before the book matches it). */
  private open(req: PlaceOrder, ts: number, status: 'working' | 'pending'): WorkingOrder {
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
      status,
      rejectReason: null,
      heldBy: 'broker',
      createdAt: ts,
      updatedAt: ts,
    };
    const w: WorkingOrder = { order };
    this.orders.set(order.id, w);
    this.emit({ type: 'order', order: { ...order } });
    return w;
  }

  private bookInput(o: Order, ts: number): BookOrderInput {
    return {
      id: o.id,
      side: o.side,
      type: o.type,
      qty: o.qty,
      limitPrice: o.limitPrice,
      stopPrice: o.stopPrice,
      tif: o.tif,
      expiresAt: o.tif === 'day' ? (Math.floor(ts / DAY_MS) + 1) * DAY_MS : null,
    };
  }

  /** A trailing stop's prices are the venue's: report them when they differ from ours. */
  private syncPrices(w: WorkingOrder, bo: BookOrder, ts: number): void {
    if (isDone(w.order)) return;
    if (bo.stopPrice === w.order.stopPrice && bo.limitPrice === w.order.limitPrice) return;
    w.order = { ...w.order, stopPrice: bo.stopPrice, limitPrice: bo.limitPrice, updatedAt: ts };
    this.emit({ type: 'order', order: { ...w.order } });
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
    if (change.stopPrice !== undefined && m.book.order(orderId)?.triggered !== true) {
      const side = checkStopSide(w.order.side, change.stopPrice, m.quote.last);
      if (!side.ok) return side;
    }
    const remaining = (change.qty ?? w.order.qty) - w.order.filledQty;
    const px =
      change.limitPrice ??
      change.stopPrice ??
      w.order.limitPrice ??
      w.order.stopPrice ??
      (w.order.side === 'buy' ? m.quote.ask : m.quote.bid);
    const power = this.checkBuyingPower(m, v.value, w.order.side, remaining, px);
    if (!power.ok) return power;
    const ts = this.now();
    w.order = {
      ...w.order,
      qty: change.qty ?? w.order.qty,
      limitPrice: change.limitPrice ?? w.order.limitPrice,
      stopPrice: change.stopPrice ?? w.order.stopPrice,
      updatedAt: ts,
    };
    this.emit({ type: 'order', order: { ...w.order } });
    this.bookTs = ts;
    m.book.amend(orderId, change);
    return ok({ ...w.order });
  }

  cancel(orderId: string): Result<Order> {
    const w = this.orders.get(orderId);
    if (w === undefined) return fail('not_found', `Order ${orderId} does not exist.`);
    if (isDone(w.order)) return fail('order_done', `Order ${orderId} is already ${w.order.status}.`);
    const m = this.markets.get(w.order.symbol);
    if (m === undefined) return fail('unknown_symbol', 'Unknown symbol.');
    this.bookTs = this.now();
    m.book.cancel(orderId);
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

  private onBookFill(symbol: string, o: BookOrder, qty: number, price: number): void {
    const m = this.markets.get(symbol);
    const w = this.orders.get(o.id);
    if (m !== undefined && w !== undefined) this.fill(m, w, qty, price, this.bookTs);
  }

  /** A bracket exit went live or grew with its entry, or a trailing stop moved. */
  private onBookChanged(o: BookOrder, change: BookChange): void {
    const w = this.orders.get(o.id);
    if (w === undefined || change === 'triggered') return;
    w.order = {
      ...w.order,
      status: o.status === 'pending' ? 'pending' : o.filledQty > 0 ? 'partially_filled' : 'working',
      qty: o.qty,
      stopPrice: o.stopPrice,
      limitPrice: o.limitPrice,
      updatedAt: this.bookTs,
    };
    this.emit({ type: 'order', order: { ...w.order } });
  }

  /** The book took an order off unfilled (cancelled, IOC rest, or a day order expiring). */
  private onBookDone(o: BookOrder): void {
    const w = this.orders.get(o.id);
    if (w === undefined || (o.status !== 'cancelled' && o.status !== 'expired')) return;
    w.order = { ...w.order, status: o.status, updatedAt: this.bookTs };
    this.emit({ type: 'order', order: { ...w.order } });
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
      id: `PX-${this.fillTag}-${++this.fillSeq}`,
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
    this.emit({ type: 'fill', fill });
    this.emit({ type: 'order', order: { ...w.order } });
    this.emit({ type: 'account', account: this.account() });
  }

  private applyHolding(inst: Instrument, signedQty: number, price: number, commission: number): void {
    const h = this.holdings.get(inst.symbol) ?? { qty: 0, avgPrice: 0 };
    this.fees += commission;
    const realized = foldAverageCost(h, signedQty, price, (q) => roundToStep(q, inst.qtyStep));
    if (realized !== 0) this.realized += realized * inst.multiplier;
    this.holdings.set(inst.symbol, h);
  }

  private expireDayOrders(ts: number): void {
    this.bookTs = ts;
    for (const m of this.markets.values()) if (m.book.size > 0) m.book.expire(ts);
  }
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
