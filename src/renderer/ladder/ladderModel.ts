/**
 * The DOM ladder's rows as an external store, one subscription per row: a quote or an order
 * change recomputes only the rows it touches (old and new bid, ask, last, the order's old and new
 * price), and only a row whose content changed gets a new value and a notification, so a fast
 * feed re-renders two or three rows, not the ladder.
 *
 * Sizes: where the connection streams an order book for the listing (`ClientState.depth`, while
 * the ladder watches it), every row inside the book shows its bid and ask size, and a new book
 * touches only the rows whose levels changed. Otherwise the connection gives top-of-book sizes
 * with every quote, so the bid row shows the bid size and the ask row the ask size. Volume at
 * price is accumulated from the quote's session volume: each increase is added at the last-trade
 * price, since the ladder opened.
 */
import { isOrderDone, type Depth, type Instrument, type Order, type Quote } from '../../shared/domain';
import { quoteKey } from '../../shared/keys';
import type { ClientState } from '../state/store';

/** One working order as a row shows it. */
export interface RowOrder {
  /** `orderKey`-style: connection and broker id. */
  connectionId: string;
  orderId: string;
  side: Order['side'];
  type: Order['type'];
  /** Remaining quantity. */
  qty: number;
  /** Which of its prices sits on this row. */
  priceField: 'limitPrice' | 'stopPrice';
  pending: boolean;
}

export interface LadderRow {
  /** Price in ticks from zero (the row's identity). */
  tick: number;
  price: number;
  bidSize: number | null;
  askSize: number | null;
  /** The quote's best bid / best ask sits on this row. */
  bestBid: boolean;
  bestAsk: boolean;
  /** Traded here since the ladder opened. */
  volume: number;
  last: boolean;
  orders: readonly RowOrder[];
}

export interface LadderScope {
  instrument: Instrument;
  /** Whose orders are drawn: the ticket's account. */
  connectionId: string;
  accountId: string | null;
}

/** Working orders beyond the ladder's rows, on one side: how many and the nearest one's price. */
export interface Beyond {
  count: number;
  nearest: number;
}

export interface LadderEdges {
  above: Beyond | null;
  below: Beyond | null;
}

/** Rows above and below the centre. */
export const HALF_ROWS = 25;

export class LadderModel {
  private readonly rows = new Map<number, LadderRow>();
  private readonly rowListeners = new Map<number, Set<() => void>>();
  private readonly layoutListeners = new Set<() => void>();
  private readonly volume = new Map<number, number>();
  private centre: number | null = null;
  /** False after the trader centred on a price of their own: the market does not pull it back. */
  private followMarket = true;
  private ticks: readonly number[] = [];
  private lastQuote: Quote | undefined;
  private lastOrders: ClientState['orders'] | undefined;
  private lastDepth: Depth | undefined;
  /** The book's sizes by tick, per side (null: no book, sizes at the touch only). */
  private bookBids: Map<number, number> | null = null;
  private bookAsks: Map<number, number> | null = null;
  private ordersByTick = new Map<number, RowOrder[]>();
  private edgeValue: LadderEdges = { above: null, below: null };
  private readonly edgeListeners = new Set<() => void>();
  /** Rows notified so far (tests and the bench read it). */
  notifications = 0;

  constructor(readonly scope: LadderScope) {}

  tickOf(price: number): number {
    return Math.round(price / this.scope.instrument.tickSize);
  }

  priceOf(tick: number): number {
    // Through the decimals of the tick so 0.1 * 3 prints as 0.3, not 0.30000000000000004.
    return Number(
      (tick * this.scope.instrument.tickSize).toFixed(Math.max(this.scope.instrument.pricePrecision, 0) + 2),
    );
  }

  /** The prices shown, highest first. */
  layout = (): readonly number[] => this.ticks;

  subscribeLayout = (l: () => void): (() => void) => {
    this.layoutListeners.add(l);
    return () => this.layoutListeners.delete(l);
  };

  /** Orders off the ladder, so a far stop is never out of mind. */
  edges = (): LadderEdges => this.edgeValue;

  subscribeEdges = (l: () => void): (() => void) => {
    this.edgeListeners.add(l);
    return () => this.edgeListeners.delete(l);
  };

  row(tick: number): LadderRow | undefined {
    return this.rows.get(tick);
  }

  subscribeRow(tick: number, l: () => void): () => void {
    let set = this.rowListeners.get(tick);
    if (set === undefined) this.rowListeners.set(tick, (set = new Set()));
    set.add(l);
    return () => set.delete(l);
  }

  /** The row of the market's middle (between bid and ask), or null before a quote. */
  marketTick(): number | null {
    const q = this.lastQuote;
    if (q === undefined) return this.centre;
    return this.tickOf(q.bid > 0 && q.ask > 0 ? (q.bid + q.ask) / 2 : q.last);
  }

  /**
   * Centre on `price` (and stay there while the market moves), or without one on the market (and
   * follow it again when it walks off the ladder).
   */
  recentre(price?: number): void {
    this.followMarket = price === undefined;
    const q = this.lastQuote;
    const p = price ?? (q ? (q.bid > 0 && q.ask > 0 ? (q.bid + q.ask) / 2 : q.last) : undefined);
    if (p === undefined || !Number.isFinite(p) || p <= 0) return;
    this.centre = this.tickOf(p);
    const ticks: number[] = [];
    for (let t = this.centre + HALF_ROWS; t >= this.centre - HALF_ROWS; t--) ticks.push(t);
    this.ticks = ticks;
    this.rows.clear();
    for (const t of ticks) this.rows.set(t, this.compute(t));
    for (const l of this.layoutListeners) l();
    this.updateEdges();
  }

  private updateEdges(): void {
    const top = this.ticks[0] ?? Infinity;
    const bottom = this.ticks[this.ticks.length - 1] ?? -Infinity;
    let aboveCount = 0;
    let aboveNearest = Infinity;
    let belowCount = 0;
    let belowNearest = -Infinity;
    for (const [t, list] of this.ordersByTick) {
      if (t > top) {
        aboveCount += list.length;
        aboveNearest = Math.min(aboveNearest, t);
      } else if (t < bottom) {
        belowCount += list.length;
        belowNearest = Math.max(belowNearest, t);
      }
    }
    const above = aboveCount > 0 ? { count: aboveCount, nearest: aboveNearest } : null;
    const below = belowCount > 0 ? { count: belowCount, nearest: belowNearest } : null;
    const next: LadderEdges = {
      above: above && { count: above.count, nearest: this.priceOf(above.nearest) },
      below: below && { count: below.count, nearest: this.priceOf(below.nearest) },
    };
    const prev = this.edgeValue;
    if (sameBeyond(prev.above, next.above) && sameBeyond(prev.below, next.below)) return;
    this.edgeValue = next;
    for (const l of this.edgeListeners) l();
  }

  /** Take in the store's latest state; notifies only rows whose content changed. */
  apply(state: ClientState): void {
    const { instrument } = this.scope;
    const quote = state.quotes.get(quoteKey(instrument.connectionId, instrument.symbol));
    const touched = new Set<number>();
    if (quote !== this.lastQuote) {
      const prev = this.lastQuote;
      if (prev !== undefined) {
        touched.add(this.tickOf(prev.bid));
        touched.add(this.tickOf(prev.ask));
        touched.add(this.tickOf(prev.last));
        if (quote !== undefined && quote.volume > prev.volume) {
          const t = this.tickOf(quote.last);
          this.volume.set(t, (this.volume.get(t) ?? 0) + (quote.volume - prev.volume));
        }
      }
      this.lastQuote = quote;
      if (quote !== undefined) {
        touched.add(this.tickOf(quote.bid));
        touched.add(this.tickOf(quote.ask));
        touched.add(this.tickOf(quote.last));
      }
    }
    const depth = state.depth.get(quoteKey(instrument.connectionId, instrument.symbol));
    if (depth !== this.lastDepth) {
      this.lastDepth = depth;
      const bids = depth === undefined ? null : this.levels(depth.bids);
      const asks = depth === undefined ? null : this.levels(depth.asks);
      // Only the prices whose size appeared, went or changed on either side.
      diffTicks(this.bookBids, bids, touched);
      diffTicks(this.bookAsks, asks, touched);
      this.bookBids = bids;
      this.bookAsks = asks;
    }
    if (state.orders !== this.lastOrders) {
      this.lastOrders = state.orders;
      const next = this.groupOrders(state.orders);
      for (const t of this.ordersByTick.keys()) touched.add(t);
      for (const t of next.keys()) touched.add(t);
      this.ordersByTick = next;
      this.updateEdges();
    }
    if (this.centre === null) {
      if (quote !== undefined) this.recentre();
      return;
    }
    // The market walked off the ladder: bring it back to the middle.
    if (quote !== undefined && this.followMarket) {
      const t = this.tickOf(quote.last);
      if (Math.abs(t - this.centre) > HALF_ROWS - 2) {
        this.recentre();
        return;
      }
    }
    for (const t of touched) {
      const old = this.rows.get(t);
      if (old === undefined) continue;
      const fresh = this.compute(t);
      if (sameRow(old, fresh)) continue;
      this.rows.set(t, fresh);
      const ls = this.rowListeners.get(t);
      if (ls === undefined) continue;
      for (const l of ls) {
        this.notifications++;
        l();
      }
    }
  }

  private groupOrders(orders: ClientState['orders']): Map<number, RowOrder[]> {
    const { instrument, connectionId, accountId } = this.scope;
    const by = new Map<number, RowOrder[]>();
    for (const o of orders.values()) {
      if (o.connectionId !== connectionId || o.symbol !== instrument.symbol || isOrderDone(o.status))
        continue;
      if (accountId !== null && o.accountId !== accountId) continue;
      // A stop-limit sits where it triggers; a limit where it rests.
      const field = o.stopPrice !== null ? 'stopPrice' : o.limitPrice !== null ? 'limitPrice' : null;
      const price = field === null ? null : o[field];
      if (field === null || price === null) continue;
      const t = this.tickOf(price);
      const list = by.get(t) ?? [];
      list.push({
        connectionId: o.connectionId,
        orderId: o.id,
        side: o.side,
        type: o.type,
        qty: o.qty - o.filledQty,
        priceField: field,
        pending: o.pendingAction !== undefined || o.placeholder === true,
      });
      by.set(t, list);
    }
    return by;
  }

  /** Whether sizes come from an order book (else from the quote's touch). */
  hasBook(): boolean {
    return this.bookBids !== null;
  }

  private levels(levels: Depth['bids']): Map<number, number> {
    const m = new Map<number, number>();
    for (const [price, size] of levels) if (size > 0) m.set(this.tickOf(price), size);
    return m;
  }

  private compute(tick: number): LadderRow {
    const q = this.lastQuote;
    const bestBid = q !== undefined && q.bid > 0 && this.tickOf(q.bid) === tick;
    const bestAsk = q !== undefined && q.ask > 0 && this.tickOf(q.ask) === tick;
    const bids = this.bookBids;
    const asks = this.bookAsks;
    return {
      tick,
      price: this.priceOf(tick),
      bidSize: bids !== null ? (bids.get(tick) ?? null) : bestBid && q ? q.bidSize : null,
      askSize: asks !== null ? (asks.get(tick) ?? null) : bestAsk && q ? q.askSize : null,
      bestBid,
      bestAsk,
      volume: this.volume.get(tick) ?? 0,
      last: q !== undefined && this.tickOf(q.last) === tick,
      orders: this.ordersByTick.get(tick) ?? [],
    };
  }
}

/** Adds to `out` every tick whose size differs between two books' sides (null: no book). */
function diffTicks(
  a: ReadonlyMap<number, number> | null,
  b: ReadonlyMap<number, number> | null,
  out: Set<number>,
): void {
  if (a === b) return;
  if (a !== null) for (const [t, size] of a) if (b?.get(t) !== size) out.add(t);
  if (b !== null) for (const [t, size] of b) if (a?.get(t) !== size) out.add(t);
}

function sameBeyond(a: Beyond | null, b: Beyond | null): boolean {
  return a === b || (a !== null && b !== null && a.count === b.count && a.nearest === b.nearest);
}

function sameRow(a: LadderRow, b: LadderRow): boolean {
  if (
    a.bidSize !== b.bidSize ||
    a.askSize !== b.askSize ||
    a.bestBid !== b.bestBid ||
    a.bestAsk !== b.bestAsk ||
    a.volume !== b.volume ||
    a.last !== b.last ||
    a.orders.length !== b.orders.length
  )
    return false;
  return a.orders.every((o, i) => {
    const p = b.orders[i];
    return (
      p !== undefined &&
      o.orderId === p.orderId &&
      o.qty === p.qty &&
      o.side === p.side &&
      o.pending === p.pending &&
      o.priceField === p.priceField
    );
  });
}
