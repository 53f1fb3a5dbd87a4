/**
 * One symbol's order book at a simulated venue: the matching rules the paper broker and every
 * protocol simulator share. The owner feeds it ticks and order entry; it reports fills and
 * state changes through a listener and never formats anything for a protocol.
 *
 * Matching rules (per tick, after the quote moves):
 * - market: fills at the touch against the displayed size; the rest fills on later ticks.
 * - limit: fills at the touch when the opposite side crosses it (price improvement on arrival),
 *   or at its limit when a trade prints through it; partial fills are normal.
 * - stop / stop-limit: trigger when a trade prints at or through the stop (as CME does: quotes
 *   never trigger), then behave as market / limit.
 * - tif: `ioc` cancels whatever did not fill on arrival; `expiresAt` (a day order's session end)
 *   expires the order on the first `expire(ts)` at or after it.
 * - trailing stop: the stop follows the best trade since it armed by a distance (amount,
 *   percent of that price, or ticks) and only ever moves in the protective direction; with an
 *   activation price it arms once a trade reaches that price.
 * - OCO: the first fill or trigger of one leg cancels the other; cancelling one cancels both.
 * - bracket: the exits wait (status `pending`) until the entry fills, then rest as an OCO pair
 *   sized to the entry's filled quantity, growing with each partial fill of the entry. An entry
 *   that ends with nothing filled cancels its exits.
 */
import type { OrderType, Side, TimeInForce } from '../shared/domain';
import { roundToStep } from '../shared/money';

export type TrailBy = 'amount' | 'percent' | 'ticks';

export interface Trail {
  by: TrailBy;
  /** Price amount, percent (1 = 1%) or whole ticks, per `by`. */
  value: number;
  /** Tracking starts once a trade reaches this price (sell: at or above; buy: at or below). */
  activationPrice?: number | null;
}

export interface BookOrderInput {
  id: string;
  side: Side;
  type: OrderType;
  qty: number;
  limitPrice?: number | null;
  stopPrice?: number | null;
  tif?: TimeInForce;
  /** Epoch ms at which the order expires (a day order's session end); null rests until done. */
  expiresAt?: number | null;
  /** Makes a stop or stop-limit a trailing stop; its stop price is then the book's to move. */
  trail?: Trail | null;
}

export type BookOrderStatus = 'pending' | 'working' | 'partially_filled' | 'filled' | 'cancelled' | 'expired';

/** Why an order left the book without filling. */
export type DoneCause = 'user' | 'ioc' | 'expired' | 'oco' | 'entry_unfilled';

export interface BookOrder {
  readonly id: string;
  readonly side: Side;
  readonly type: OrderType;
  qty: number;
  filledQty: number;
  limitPrice: number | null;
  stopPrice: number | null;
  readonly tif: TimeInForce;
  readonly expiresAt: number | null;
  readonly trail: Trail | null;
  status: BookOrderStatus;
  /** A stop that a trade has reached (it now behaves as market or limit). */
  triggered: boolean;
  /** A trailing stop that is tracking (its activation price, if any, was reached). */
  armed: boolean;
  /** The best trade a trailing stop has seen since it armed. */
  extreme: number | null;
  /** The other leg of an OCO pair. */
  ocoWith: string | null;
  /** The bracket entry whose fills size this exit. */
  parentId: string | null;
  /** Exits that wait for this entry. */
  childIds: string[];
}

/** One tick of the venue: the new touch and the trade printed on it, if any. */
export interface BookTick {
  bid: number;
  ask: number;
  bidSize: number;
  askSize: number;
  last: number;
  /** Size printed on this tick; 0 when only the quote moved. */
  tradeSize: number;
}

export type BookChange = 'activated' | 'resized' | 'triggered' | 'stop_moved';

export interface BookListener {
  /** A fill, reported before the order's own `filledQty` and status change. */
  fill(order: BookOrder, qty: number, price: number): void;
  /** The order left the book unfilled or partly filled (cancelled or expired). */
  done?(order: BookOrder, cause: DoneCause): void;
  /** A bracket exit went live or grew, a stop triggered, or a trailing stop moved. */
  changed?(order: BookOrder, change: BookChange): void;
}

export interface BookInstrument {
  tickSize: number;
  qtyStep: number;
}

export class OrderBook {
  private readonly orders = new Map<string, BookOrder>();
  /** Orders on the book, in time priority. */
  private readonly resting: BookOrder[] = [];
  private bid = 0;
  private ask = 0;
  /** Displayed liquidity still at the touch during this tick (our fills consume it). */
  private bidLeft = 0;
  private askLeft = 0;
  private last = 0;
  /** The trade printed on this tick, if any (limit orders fill when it prints through). */
  private tradePrice: number | null = null;
  private tradeLeft = 0;

  constructor(
    private readonly inst: BookInstrument,
    private readonly listener: BookListener,
    opening?: BookTick,
  ) {
    if (opening !== undefined) this.setTouch(opening, false);
  }

  get size(): number {
    return this.resting.length;
  }

  order(id: string): BookOrder | undefined {
    return this.orders.get(id);
  }

  /** Orders still on the book or waiting for their entry, in time priority. */
  open(): BookOrder[] {
    return [...this.orders.values()];
  }

  /** Move the touch and match everything resting against it. */
  tick(t: BookTick): void {
    this.setTouch(t, true);
    if (this.resting.length === 0) return;
    if (this.tradePrice !== null)
      for (const o of this.resting) if (o.trail !== null) this.trailOn(o, this.tradePrice);
    // Copy: fills take finished orders off the book while we walk it.
    for (const o of this.resting.slice()) this.match(o, false);
  }

  /** Place one order; it matches on arrival. Returns the book's view of it. */
  add(input: BookOrderInput): BookOrder {
    const o = this.create(input, 'working');
    this.rest(o);
    return o;
  }

  /** Place two orders as an OCO pair. */
  addOco(a: BookOrderInput, b: BookOrderInput): [BookOrder, BookOrder] {
    const oa = this.create(a, 'working');
    const ob = this.create(b, 'working');
    oa.ocoWith = ob.id;
    ob.ocoWith = oa.id;
    // Both are on the book before either matches, so a leg filling on arrival cancels the other.
    this.resting.push(oa, ob);
    this.arrive(oa);
    this.arrive(ob);
    return [oa, ob];
  }

  /**
   * Place an entry with exits (take-profit and/or stop-loss, each an input without qty); they
   * wait until the entry fills and then rest as an OCO pair sized to the entry's fill.
   */
  addBracket(
    entry: BookOrderInput,
    exits: { takeProfit?: Omit<BookOrderInput, 'qty'>; stopLoss?: Omit<BookOrderInput, 'qty'> },
  ): { entry: BookOrder; takeProfit: BookOrder | null; stopLoss: BookOrder | null } {
    const e = this.create(entry, 'working');
    const child = (x: Omit<BookOrderInput, 'qty'> | undefined): BookOrder | null => {
      if (x === undefined) return null;
      const c = this.create({ ...x, qty: entry.qty }, 'pending');
      c.parentId = e.id;
      e.childIds.push(c.id);
      return c;
    };
    const takeProfit = child(exits.takeProfit);
    const stopLoss = child(exits.stopLoss);
    if (takeProfit !== null && stopLoss !== null) {
      takeProfit.ocoWith = stopLoss.id;
      stopLoss.ocoWith = takeProfit.id;
    }
    this.rest(e);
    return { entry: e, takeProfit, stopLoss };
  }

  /** Change a working order's quantity or prices; it re-matches as if it just arrived. */
  amend(
    id: string,
    change: { qty?: number; limitPrice?: number; stopPrice?: number },
  ): BookOrder | undefined {
    const o = this.orders.get(id);
    if (o === undefined) return undefined;
    if (change.qty !== undefined) o.qty = change.qty;
    if (change.limitPrice !== undefined) o.limitPrice = change.limitPrice;
    if (change.stopPrice !== undefined) o.stopPrice = change.stopPrice;
    if (o.status !== 'pending') this.match(o, true);
    return o;
  }

  /** Cancel an order (and, as an exchange does, its OCO sibling or its unfilled bracket exits). */
  cancel(id: string): BookOrder | undefined {
    const o = this.orders.get(id);
    if (o === undefined) return undefined;
    this.finish(o, 'cancelled', 'user');
    return o;
  }

  /** Expire every order whose `expiresAt` has passed. */
  expire(ts: number): void {
    for (const o of this.resting.slice())
      if (o.expiresAt !== null && ts >= o.expiresAt && isLive(o)) this.finish(o, 'expired', 'expired');
  }

  // ---- internals -----------------------------------------------------------------------------

  private setTouch(t: BookTick, traded: boolean): void {
    this.bid = t.bid;
    this.ask = t.ask;
    this.bidLeft = t.bidSize;
    this.askLeft = t.askSize;
    this.last = t.last;
    this.tradePrice = traded && t.tradeSize > 0 ? t.last : null;
    this.tradeLeft = traded ? t.tradeSize : 0;
  }

  private create(input: BookOrderInput, status: BookOrderStatus): BookOrder {
    if (this.orders.has(input.id)) throw new Error(`order ${input.id} is already on the book`);
    const o: BookOrder = {
      id: input.id,
      side: input.side,
      type: input.type,
      qty: input.qty,
      filledQty: 0,
      limitPrice: input.limitPrice ?? null,
      stopPrice: input.stopPrice ?? null,
      tif: input.tif ?? 'gtc',
      expiresAt: input.expiresAt ?? null,
      trail: input.trail ?? null,
      status,
      triggered: false,
      armed: false,
      extreme: null,
      ocoWith: null,
      parentId: null,
      childIds: [],
    };
    this.orders.set(o.id, o);
    return o;
  }

  private rest(o: BookOrder): void {
    this.resting.push(o);
    this.arrive(o);
  }

  private arrive(o: BookOrder): void {
    if (o.trail !== null) this.arm(o);
    this.match(o, true);
    if (o.tif === 'ioc' && isLive(o)) this.finish(o, 'cancelled', 'ioc');
  }

  /** Start a trailing stop from the last trade, unless its activation price is still ahead. */
  private arm(o: BookOrder): void {
    const trail = o.trail;
    if (trail === null) return;
    const act = trail.activationPrice ?? null;
    const reached = act === null || (o.side === 'sell' ? this.last >= act : this.last <= act);
    if (!reached) {
      // Nothing to trigger on until it arms.
      o.stopPrice = null;
      return;
    }
    o.armed = true;
    o.extreme = this.last;
    this.placeTrailingStop(o, this.last, false);
  }

  private trailOn(o: BookOrder, trade: number): void {
    if (!isLive(o) || o.triggered || o.trail === null) return;
    if (!o.armed) {
      const act = o.trail.activationPrice ?? null;
      if (act === null || (o.side === 'sell' ? trade < act : trade > act)) return;
      o.armed = true;
      o.extreme = trade;
      this.placeTrailingStop(o, trade, true);
      return;
    }
    const better = o.side === 'sell' ? trade > (o.extreme ?? trade) : trade < (o.extreme ?? trade);
    if (!better) return;
    o.extreme = trade;
    this.placeTrailingStop(o, trade, true);
  }

  /** Stop = best price ∓ distance, on the grid, moved only in the protective direction. */
  private placeTrailingStop(o: BookOrder, best: number, report: boolean): void {
    const trail = o.trail;
    if (trail === null) return;
    const tick = this.inst.tickSize;
    const distance =
      trail.by === 'amount'
        ? trail.value
        : trail.by === 'ticks'
          ? trail.value * tick
          : (best * trail.value) / 100;
    const isSell = o.side === 'sell';
    // Round away from the market so the stop is never closer than the distance asked for.
    const ticks = isSell
      ? Math.floor((best - distance) / tick + 1e-9)
      : Math.ceil((best + distance) / tick - 1e-9);
    const stop = roundToStep(ticks * tick, tick);
    const prev = o.stopPrice;
    if (prev !== null && (isSell ? stop <= prev : stop >= prev)) return;
    if (o.type === 'stop_limit' && o.limitPrice !== null && prev !== null)
      o.limitPrice = roundToStep(o.limitPrice + (stop - prev), tick);
    o.stopPrice = stop;
    if (report) this.listener.changed?.(o, 'stop_moved');
  }

  private match(o: BookOrder, onArrival: boolean): void {
    if (!isLive(o) || o.status === 'pending') return;
    const isBuy = o.side === 'buy';
    const step = this.inst.qtyStep;
    if ((o.type === 'stop' || o.type === 'stop_limit') && !o.triggered) {
      // Only a trade printed on this tick, after the order rested, triggers: a one-tick spread
      // must not fire a buy stop one tick above the last through the ask.
      const stop = o.stopPrice;
      const trade = onArrival ? null : this.tradePrice;
      const hit = stop !== null && trade !== null && (isBuy ? trade >= stop : trade <= stop);
      if (!hit) return;
      o.triggered = true;
      this.listener.changed?.(o, 'triggered');
      this.resolveOco(o);
    }
    const asMarket = o.type === 'market' || o.type === 'stop';
    let remaining = o.qty - o.filledQty;
    // 1) Take displayed liquidity at the touch.
    const touch = isBuy ? this.ask : this.bid;
    const marketable =
      asMarket || (isBuy ? touch <= (o.limitPrice ?? 0) : touch >= (o.limitPrice ?? Infinity));
    if (marketable) {
      const avail = isBuy ? this.askLeft : this.bidLeft;
      const qty = roundToStep(Math.min(remaining, avail), step);
      if (qty > 0) {
        if (isBuy) this.askLeft = roundToStep(this.askLeft - qty, step);
        else this.bidLeft = roundToStep(this.bidLeft - qty, step);
        this.fill(o, qty, touch);
        remaining = roundToStep(remaining - qty, step);
      }
    }
    // 2) A resting limit also fills at its price when a trade prints through it.
    if (
      !asMarket &&
      !onArrival &&
      remaining > 0 &&
      this.tradePrice !== null &&
      this.tradeLeft > 0 &&
      isLive(o)
    ) {
      const limit = o.limitPrice ?? 0;
      const through = isBuy ? this.tradePrice <= limit : this.tradePrice >= limit;
      if (through) {
        const qty = roundToStep(Math.min(remaining, this.tradeLeft), step);
        if (qty > 0) {
          this.tradeLeft = roundToStep(this.tradeLeft - qty, step);
          this.fill(o, qty, limit);
        }
      }
    }
  }

  private fill(o: BookOrder, qty: number, price: number): void {
    this.listener.fill(o, qty, price);
    o.filledQty = roundToStep(o.filledQty + qty, this.inst.qtyStep);
    o.status = o.filledQty >= o.qty ? 'filled' : 'partially_filled';
    if (o.status === 'filled') this.remove(o);
    this.resolveOco(o);
    if (o.childIds.length > 0) this.sizeExits(o);
  }

  /** The first fill or trigger of one leg takes the other off the book. */
  private resolveOco(o: BookOrder): void {
    if (o.ocoWith === null) return;
    const sibling = this.orders.get(o.ocoWith);
    o.ocoWith = null;
    if (sibling === undefined) return;
    sibling.ocoWith = null;
    if (isLive(sibling)) this.finish(sibling, 'cancelled', 'oco');
  }

  /** Bracket exits follow the entry's filled quantity: activate on the first fill, then grow. */
  private sizeExits(entry: BookOrder): void {
    for (const id of entry.childIds) {
      const c = this.orders.get(id);
      if (c === undefined || !isLive(c)) continue;
      if (c.status === 'pending') {
        c.qty = entry.filledQty;
        c.status = 'working';
        this.resting.push(c);
        // Arm first, so the activation reports a trailing exit's first stop price.
        if (c.trail !== null) this.arm(c);
        this.listener.changed?.(c, 'activated');
      } else if (c.qty !== entry.filledQty) {
        c.qty = entry.filledQty;
        this.listener.changed?.(c, 'resized');
      }
    }
    // Match after both legs are live, so one filling on arrival cancels the other.
    for (const id of entry.childIds) {
      const c = this.orders.get(id);
      if (c !== undefined) this.match(c, true);
    }
  }

  private finish(o: BookOrder, status: 'cancelled' | 'expired', cause: DoneCause): void {
    if (!isLive(o)) return;
    o.status = status;
    this.remove(o);
    this.listener.done?.(o, cause);
    if (cause !== 'oco') this.resolveOco(o);
    // An entry that ends with nothing filled leaves nothing to protect.
    if (o.filledQty === 0)
      for (const id of o.childIds) {
        const c = this.orders.get(id);
        if (c === undefined || c.status !== 'pending') continue;
        c.ocoWith = null;
        this.finish(c, 'cancelled', 'entry_unfilled');
      }
  }

  private remove(o: BookOrder): void {
    const i = this.resting.indexOf(o);
    if (i >= 0) this.resting.splice(i, 1);
    this.orders.delete(o.id);
  }
}

function isLive(o: BookOrder): boolean {
  return o.status === 'pending' || o.status === 'working' || o.status === 'partially_filled';
}
