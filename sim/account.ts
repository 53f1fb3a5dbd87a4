/**
 * One trading account in a simulator world: cash, average-cost positions, and orders placed at
 * the world's venue. It speaks no protocol; a protocol simulator translates its events (order
 * changed, fill, position changed) into its own frames.
 */
import { type CostBasis, foldAverageCost } from '../src/shared/averageCost';
import type { Side } from '../src/shared/domain';
import type {
  BookChange,
  BookOrder,
  BookOrderInput,
  BookOrderStatus,
  DoneCause,
} from '../src/exchange/orderBook';
import type { OrderOwner, Venue } from '../src/exchange/venue';

export interface SimOrder {
  id: string;
  clientOrderId: string | null;
  symbol: string;
  side: Side;
  type: BookOrder['type'];
  qty: number;
  filledQty: number;
  avgFillPrice: number | null;
  limitPrice: number | null;
  stopPrice: number | null;
  status: BookOrderStatus;
  /** Why it left the book unfilled, when it did. */
  doneCause: DoneCause | null;
  /** The other leg of an OCO, or the bracket entry, when there is one. */
  ocoWith: string | null;
  parentId: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface SimFill {
  id: string;
  orderId: string;
  symbol: string;
  side: Side;
  qty: number;
  price: number;
  /** P&L this fill realized (price units × qty × multiplier); 0 when it only added. */
  realized: number;
  ts: number;
}

export type AccountEvent =
  | { type: 'order'; order: SimOrder; change: 'placed' | BookChange | 'filled' | 'done' | 'amended' }
  | { type: 'fill'; fill: SimFill; order: SimOrder }
  | { type: 'position'; symbol: string; qty: number; avgPrice: number; ts: number };

export type OrderRequest = Omit<BookOrderInput, 'id'> & { id?: string; clientOrderId?: string | null };

export interface SimAccountOptions {
  cash?: number;
  /** Prefix of order and fill ids (unique at the venue). Default: the account id. */
  idPrefix?: string;
}

export class SimAccount implements OrderOwner {
  cash: number;
  realized = 0;
  readonly holdings = new Map<string, CostBasis>();
  readonly orders = new Map<string, SimOrder>();
  readonly fills: SimFill[] = [];
  private readonly listeners = new Set<(e: AccountEvent) => void>();
  private readonly prefix: string;
  private orderSeq = 0;
  private fillSeq = 0;

  constructor(
    readonly id: string,
    private readonly venue: Venue,
    opts: SimAccountOptions = {},
  ) {
    this.cash = opts.cash ?? 100_000;
    this.prefix = opts.idPrefix ?? id;
  }

  on(listener: (e: AccountEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Start with a position (a world's opening state). */
  seedPosition(symbol: string, qty: number, avgPrice: number): void {
    this.holdings.set(symbol, { qty, avgPrice });
  }

  position(symbol: string): CostBasis {
    return this.holdings.get(symbol) ?? { qty: 0, avgPrice: 0 };
  }

  /** Cash plus positions marked at the last trade (multiplier 1 unless the venue says otherwise). */
  equity(): number {
    let value = this.cash;
    for (const [symbol, h] of this.holdings)
      value += this.venue.price(symbol) * h.qty * this.multiplier(symbol);
    return value;
  }

  openOrders(): SimOrder[] {
    return [...this.orders.values()].filter((o) => isLive(o.status));
  }

  place(symbol: string, req: OrderRequest, ts: number): SimOrder {
    const order = this.track(symbol, req, ts, 'working');
    const bo = this.venue.place(symbol, { ...req, id: order.id }, this, ts);
    // A trailing stop's first stop price is the venue's to set.
    if (bo.trail !== null) order.stopPrice = bo.stopPrice;
    return order;
  }

  placeOco(symbol: string, a: OrderRequest, b: OrderRequest, ts: number): [SimOrder, SimOrder] {
    const oa = this.track(symbol, a, ts, 'working');
    const ob = this.track(symbol, b, ts, 'working');
    oa.ocoWith = ob.id;
    ob.ocoWith = oa.id;
    this.venue.placeOco(symbol, { ...a, id: oa.id }, { ...b, id: ob.id }, this, ts);
    return [oa, ob];
  }

  placeBracket(
    symbol: string,
    entry: OrderRequest,
    exits: { takeProfit?: Omit<OrderRequest, 'qty'>; stopLoss?: Omit<OrderRequest, 'qty'> },
    ts: number,
  ): { entry: SimOrder; takeProfit: SimOrder | null; stopLoss: SimOrder | null } {
    const e = this.track(symbol, entry, ts, 'working');
    const exit = (x: Omit<OrderRequest, 'qty'> | undefined): SimOrder | null => {
      if (x === undefined) return null;
      const c = this.track(symbol, { ...x, qty: entry.qty }, ts, 'pending');
      c.parentId = e.id;
      return c;
    };
    const takeProfit = exit(exits.takeProfit);
    const stopLoss = exit(exits.stopLoss);
    if (takeProfit !== null && stopLoss !== null) {
      takeProfit.ocoWith = stopLoss.id;
      stopLoss.ocoWith = takeProfit.id;
    }
    this.venue.placeBracket(
      symbol,
      { ...entry, id: e.id },
      {
        ...(takeProfit === null
          ? {}
          : { takeProfit: { ...exits.takeProfit, id: takeProfit.id } as BookOrderInput }),
        ...(stopLoss === null ? {} : { stopLoss: { ...exits.stopLoss, id: stopLoss.id } as BookOrderInput }),
      },
      this,
      ts,
    );
    return { entry: e, takeProfit, stopLoss };
  }

  cancel(orderId: string, ts: number): SimOrder | undefined {
    const o = this.orders.get(orderId);
    if (o === undefined || !isLive(o.status)) return undefined;
    this.venue.cancel(o.symbol, orderId, ts);
    return o;
  }

  amend(
    orderId: string,
    change: { qty?: number; limitPrice?: number; stopPrice?: number },
    ts: number,
  ): SimOrder | undefined {
    const o = this.orders.get(orderId);
    if (o === undefined || !isLive(o.status)) return undefined;
    Object.assign(o, change, { updatedAt: ts });
    this.emit({ type: 'order', order: o, change: 'amended' });
    this.venue.amend(o.symbol, orderId, change, ts);
    return o;
  }

  // ---- OrderOwner: what the venue tells us -----------------------------------------------------

  fill(symbol: string, bo: BookOrder, qty: number, price: number, ts: number): void {
    const o = this.orders.get(bo.id);
    if (o === undefined) return;
    const signed = o.side === 'buy' ? qty : -qty;
    const mult = this.multiplier(symbol);
    const h = this.holdings.get(symbol) ?? { qty: 0, avgPrice: 0 };
    const realized = foldAverageCost(h, signed, price) * mult;
    if (h.qty === 0) this.holdings.delete(symbol);
    else this.holdings.set(symbol, h);
    this.realized += realized;
    this.cash -= signed * price * mult;
    const filledQty = o.filledQty + qty;
    o.avgFillPrice = ((o.avgFillPrice ?? 0) * o.filledQty + price * qty) / filledQty;
    o.filledQty = filledQty;
    o.status = filledQty >= o.qty ? 'filled' : 'partially_filled';
    o.updatedAt = ts;
    const fill: SimFill = {
      id: `${this.prefix}-F${++this.fillSeq}`,
      orderId: o.id,
      symbol,
      side: o.side,
      qty,
      price,
      realized,
      ts,
    };
    this.fills.push(fill);
    this.emit({ type: 'fill', fill, order: o });
    this.emit({ type: 'order', order: o, change: 'filled' });
    this.emit({ type: 'position', symbol, qty: h.qty, avgPrice: h.avgPrice, ts });
  }

  done(_symbol: string, bo: BookOrder, cause: DoneCause, ts: number): void {
    const o = this.orders.get(bo.id);
    if (o === undefined) return;
    o.status = bo.status;
    o.doneCause = cause;
    o.updatedAt = ts;
    this.emit({ type: 'order', order: o, change: 'done' });
  }

  changed(_symbol: string, bo: BookOrder, change: BookChange, ts: number): void {
    const o = this.orders.get(bo.id);
    if (o === undefined) return;
    o.status = bo.status;
    o.qty = bo.qty;
    o.stopPrice = bo.stopPrice;
    o.limitPrice = bo.limitPrice;
    o.updatedAt = ts;
    this.emit({ type: 'order', order: o, change });
  }

  // ---- internals -----------------------------------------------------------------------------

  private track(symbol: string, req: OrderRequest, ts: number, status: BookOrderStatus): SimOrder {
    const id = req.id ?? `${this.prefix}-${++this.orderSeq}`;
    const order: SimOrder = {
      id,
      clientOrderId: req.clientOrderId ?? null,
      symbol,
      side: req.side,
      type: req.type,
      qty: req.qty,
      filledQty: 0,
      avgFillPrice: null,
      limitPrice: req.limitPrice ?? null,
      stopPrice: req.stopPrice ?? null,
      status,
      doneCause: null,
      ocoWith: null,
      parentId: null,
      createdAt: ts,
      updatedAt: ts,
    };
    this.orders.set(id, order);
    // Announce it before the venue matches it, so "placed" always precedes its first fill.
    this.emit({ type: 'order', order, change: 'placed' });
    return order;
  }

  private multiplier(symbol: string): number {
    return this.venue.spec(symbol)?.instrument.multiplier ?? 1;
  }

  private emit(e: AccountEvent): void {
    for (const l of this.listeners) l(e);
  }
}

function isLive(s: BookOrderStatus): boolean {
  return s === 'pending' || s === 'working' || s === 'partially_filled';
}
