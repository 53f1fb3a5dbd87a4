/**
 * The Binance Spot exchange behind the simulator's endpoints: API keys, spot balances per asset,
 * orders and order lists on the shared venue (`src/exchange`), trade history, and the user-data
 * events Binance sends (`executionReport`, `listStatus`, `outboundAccountPosition`,
 * `balanceUpdate`). Transport-free: the WebSocket API and REST endpoints call it and frame the
 * answers. Amounts leave as Binance's 8-place decimal strings.
 */
import { roundToStep } from '../../src/shared/money';
import type { BookOrderInput, Trail } from '../../src/exchange/orderBook';
import type { AccountEvent, SimAccount, SimOrder } from '../account';
import type { World } from '../world';
import { binancePairs, dec, type PairSpec } from './market';

export type BnSide = 'BUY' | 'SELL';
export type BnType =
  'MARKET' | 'LIMIT' | 'LIMIT_MAKER' | 'STOP_LOSS' | 'STOP_LOSS_LIMIT' | 'TAKE_PROFIT' | 'TAKE_PROFIT_LIMIT';
export type BnStatus = 'NEW' | 'PENDING_NEW' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELED' | 'EXPIRED';

/** A Binance error: HTTP-ish status plus Binance's code and message. */
export interface BnError {
  status: number;
  code: number;
  msg: string;
}
export type BnResult<T> = { ok: true; value: T } | { ok: false; error: BnError };

const bad = (code: number, msg: string, status = 400): { ok: false; error: BnError } => ({
  ok: false,
  error: { status, code, msg },
});

export interface ApiKey {
  secret: string;
  accountId: string;
  revoked: boolean;
}

export interface OrderRec {
  orderId: number;
  simId: string;
  accountId: string;
  symbol: string;
  clientOrderId: string;
  side: BnSide;
  type: BnType;
  timeInForce: string;
  qty: number;
  price: number;
  stopPrice: number;
  trailingDelta: number | null;
  orderListId: number;
  status: BnStatus;
  filled: number;
  cumQuote: number;
  time: number;
  updateTime: number;
  expiryReason: string;
}

export interface ListRec {
  orderListId: number;
  listClientOrderId: string;
  contingencyType: 'OCO' | 'OTO';
  symbol: string;
  orderIds: number[];
  done: boolean;
  time: number;
}

export interface TradeRec {
  symbol: string;
  id: number;
  orderId: number;
  orderListId: number;
  price: number;
  qty: number;
  quoteQty: number;
  commission: number;
  commissionAsset: string;
  time: number;
  isBuyer: boolean;
  isMaker: boolean;
}

export type UserEvent = Record<string, unknown> & { e: string; E: number };

export interface ExchangeOptions {
  /** Taker and maker commission as a fraction (default 0.001 = 0.1 %). */
  commissionRate?: number;
  /** Opening balances of every new account. */
  balances?: Record<string, number>;
  now?: () => number;
}

type Params = Record<string, unknown>;

const BOOK_TYPE: Record<BnType, BookOrderInput['type']> = {
  MARKET: 'market',
  LIMIT: 'limit',
  LIMIT_MAKER: 'limit',
  // Take-profit orders rest as limits at their trigger: the shared book triggers stops only on
  // adverse moves, and a take-profit fills at or better than its price anyway.
  TAKE_PROFIT: 'limit',
  TAKE_PROFIT_LIMIT: 'limit',
  STOP_LOSS: 'stop',
  STOP_LOSS_LIMIT: 'stop_limit',
};

interface Account {
  sim: SimAccount;
  balances: Map<string, number>;
  trades: TradeRec[];
  listeners: Set<(e: UserEvent) => void>;
}

export class BinanceExchange {
  readonly keys = new Map<string, ApiKey>();
  readonly pairs = new Map<string, PairSpec>();
  private readonly accounts = new Map<string, Account>();
  private readonly orders = new Map<number, OrderRec>();
  private readonly bySim = new Map<string, OrderRec>();
  private readonly lists = new Map<number, ListRec>();
  private orderSeq = 1000;
  private listSeq = 100;
  private tradeSeq = 5000;
  private readonly commissionRate: number;
  private readonly opening: Record<string, number>;
  private readonly now: () => number;
  /** Send `listStatus` before the legs' reports for the next N list changes (ordering is undocumented). */
  listStatusFirst = 0;

  constructor(
    readonly world: World,
    opts: ExchangeOptions = {},
  ) {
    for (const p of binancePairs) this.pairs.set(p.instrument.symbol, p);
    this.commissionRate = opts.commissionRate ?? 0.001;
    this.opening = opts.balances ?? { USDT: 100_000 };
    this.now = opts.now ?? Date.now;
  }

  addKey(apiKey: string, secret: string, accountId: string): void {
    this.keys.set(apiKey, { secret, accountId, revoked: false });
    this.account(accountId);
  }

  /** A balance the account holds from before any trade the sim knows (deposits): cost unknown. */
  deposit(accountId: string, asset: string, amount: number): void {
    const a = this.account(accountId);
    a.balances.set(asset, round8((a.balances.get(asset) ?? 0) + amount));
    this.emit(a, { e: 'balanceUpdate', E: this.now(), a: asset, d: dec(amount), T: this.now() });
    this.emitPosition(a, [asset]);
  }

  onUserEvent(accountId: string, listener: (e: UserEvent) => void): () => void {
    const a = this.account(accountId);
    a.listeners.add(listener);
    return () => a.listeners.delete(listener);
  }

  // ---- queries ---------------------------------------------------------------------------------

  balances(accountId: string): { asset: string; free: string; locked: string }[] {
    const a = this.account(accountId);
    return [...a.balances].map(([asset, free]) => ({ asset, free: dec(free), locked: dec(0) }));
  }

  openOrders(accountId: string, symbol?: string): OrderRec[] {
    return [...this.orders.values()].filter(
      (o) => o.accountId === accountId && isOpen(o.status) && (symbol === undefined || o.symbol === symbol),
    );
  }

  openLists(accountId: string): ListRec[] {
    return [...this.lists.values()].filter(
      (l) => !l.done && this.orders.get(l.orderIds[0] ?? -1)?.accountId === accountId,
    );
  }

  trades(accountId: string, symbol: string, fromId?: number): TradeRec[] {
    return this.account(accountId).trades.filter(
      (t) => t.symbol === symbol && (fromId === undefined || t.id >= fromId),
    );
  }

  findOrder(
    accountId: string,
    symbol: string,
    ref: { orderId?: unknown; origClientOrderId?: unknown },
  ): OrderRec | undefined {
    for (const o of this.orders.values()) {
      if (o.accountId !== accountId || o.symbol !== symbol) continue;
      if (ref.orderId !== undefined && String(o.orderId) === String(ref.orderId)) return o;
      if (ref.origClientOrderId !== undefined && o.clientOrderId === ref.origClientOrderId) return o;
    }
    return undefined;
  }

  listOf(id: number): ListRec | undefined {
    return this.lists.get(id);
  }

  // ---- order entry ------------------------------------------------------------------------------

  place(accountId: string, p: Params): BnResult<OrderRec> {
    const checked = this.check(accountId, p, '');
    if (!checked.ok) return checked;
    const a = this.account(accountId);
    const rec = this.record(accountId, checked.value, -1);
    a.sim.place(rec.symbol, this.bookInput(rec), this.now());
    return { ok: true, value: rec };
  }

  /** `orderList.place.oco`: one leg above the market, one below; one executing cancels the other. */
  placeOco(accountId: string, p: Params): BnResult<{ list: ListRec; orders: OrderRec[] }> {
    const legs: Params[] = [];
    for (const side of ['above', 'below'] as const) {
      legs.push({
        symbol: p.symbol,
        side: p.side,
        quantity: p.quantity,
        type: p[`${side}Type`],
        price: p[`${side}Price`],
        stopPrice: p[`${side}StopPrice`],
        trailingDelta: p[`${side}TrailingDelta`],
        timeInForce: p[`${side}TimeInForce`],
        newClientOrderId: p[`${side}ClientOrderId`],
      });
    }
    const checked: ReturnType<BinanceExchange['check']>[] = legs.map((l, i) =>
      this.check(accountId, l, i === 0 ? 'above' : 'below'),
    );
    for (const c of checked) if (!c.ok) return c;
    const [above, below] = checked.map((c) => (c.ok ? c.value : null));
    if (above === null || below === null || above === undefined || below === undefined)
      return bad(-1102, 'Mandatory parameter was not sent.');
    const stopLike = (t: BnType) => t === 'STOP_LOSS' || t === 'STOP_LOSS_LIMIT';
    const isBuy = above.side === 'BUY';
    // Binance: a SELL OCO takes profit above (LIMIT_MAKER/TAKE_PROFIT*) and stops below; BUY mirrors it.
    if (stopLike(above.type) !== isBuy || stopLike(below.type) === isBuy)
      return bad(-1167, 'Unsupported order combination.');
    const list = this.newList('OCO', above.symbol, p.listClientOrderId);
    const ra = this.record(accountId, above, list.orderListId);
    const rb = this.record(accountId, below, list.orderListId);
    list.orderIds = [ra.orderId, rb.orderId];
    this.withListStatus(accountId, list, 'EXEC_STARTED', () =>
      this.account(accountId).sim.placeOco(ra.symbol, this.bookInput(ra), this.bookInput(rb), this.now()),
    );
    return { ok: true, value: { list, orders: [ra, rb] } };
  }

  /** `orderList.place.otoco`: a working order; once it fills, an OCO pair of exits. */
  placeOtoco(accountId: string, p: Params): BnResult<{ list: ListRec; orders: OrderRec[] }> {
    const working = this.check(
      accountId,
      {
        symbol: p.symbol,
        side: p.workingSide,
        type: p.workingType,
        quantity: p.workingQuantity,
        price: p.workingPrice,
        timeInForce: p.workingTimeInForce,
        newClientOrderId: p.workingClientOrderId,
      },
      'working',
    );
    if (!working.ok) return working;
    const exits: OrderInput[] = [];
    for (const side of ['Above', 'Below'] as const) {
      const type = p[`pending${side}Type`];
      if (type === undefined) continue;
      const c = this.check(
        accountId,
        {
          symbol: p.symbol,
          side: p.pendingSide,
          type,
          quantity: p.pendingQuantity,
          price: p[`pending${side}Price`],
          stopPrice: p[`pending${side}StopPrice`],
          trailingDelta: p[`pending${side}TrailingDelta`],
          timeInForce: p[`pending${side}TimeInForce`],
          newClientOrderId: p[`pending${side}ClientOrderId`],
        },
        `pending${side}`,
        true,
      );
      if (!c.ok) return c;
      exits.push(c.value);
    }
    if (exits.length === 0)
      return bad(-1102, "Mandatory parameter 'pendingAboveType' was not sent, was empty/null, or malformed.");
    const list = this.newList('OTO', working.value.symbol, p.listClientOrderId);
    const entry = this.record(accountId, working.value, list.orderListId);
    const legs = exits.map((x) => this.record(accountId, x, list.orderListId, 'PENDING_NEW'));
    list.orderIds = [entry.orderId, ...legs.map((l) => l.orderId)];
    const stop = legs.find((l) => l.type === 'STOP_LOSS' || l.type === 'STOP_LOSS_LIMIT');
    const target = legs.find((l) => l !== stop);
    this.withListStatus(accountId, list, 'EXEC_STARTED', () =>
      this.account(accountId).sim.placeBracket(
        entry.symbol,
        this.bookInput(entry),
        {
          ...(target === undefined ? {} : { takeProfit: this.bookInput(target) }),
          ...(stop === undefined ? {} : { stopLoss: this.bookInput(stop) }),
        },
        this.now(),
      ),
    );
    return { ok: true, value: { list, orders: [entry, ...legs] } };
  }

  cancel(accountId: string, p: Params): BnResult<OrderRec> {
    const symbol = String(p.symbol ?? '');
    const rec = this.findOrder(accountId, symbol, {
      orderId: p.orderId,
      origClientOrderId: p.origClientOrderId,
    });
    if (rec === undefined || !isOpen(rec.status)) return bad(-2011, 'Unknown order sent.');
    this.account(accountId).sim.cancel(rec.simId, this.now());
    return { ok: true, value: rec };
  }

  // ---- internals --------------------------------------------------------------------------------

  private account(id: string): Account {
    let a = this.accounts.get(id);
    if (a === undefined) {
      const sim = this.world.account(id, { idPrefix: `bn-${id}` });
      a = { sim, balances: new Map(Object.entries(this.opening)), trades: [], listeners: new Set() };
      this.accounts.set(id, a);
      const acc = a;
      sim.on((e) => this.onAccountEvent(acc, e));
    }
    return a;
  }

  private check(accountId: string, p: Params, leg: string, pending = false): BnResult<OrderInput> {
    const name = (k: string) => (leg === '' ? k : `${leg}${k[0]?.toUpperCase() ?? ''}${k.slice(1)}`);
    const symbol = typeof p.symbol === 'string' ? p.symbol : '';
    const pair = this.pairs.get(symbol);
    if (pair === undefined) return bad(-1121, 'Invalid symbol.');
    const side = p.side;
    if (side !== 'BUY' && side !== 'SELL') return mandatory(name('side'));
    const type = p.type as BnType;
    if (!(typeof type === 'string' && type in BOOK_TYPE)) return mandatory(name('type'));
    const qty = Number(p.quantity);
    if (p.quantity === undefined || !(qty > 0)) return mandatory(name('quantity'));
    const inst = pair.instrument;
    if (!onGrid(qty, inst.qtyStep) || qty < pair.minQty || qty > pair.maxQty)
      return bad(-1013, 'Filter failure: LOT_SIZE');
    const needsPrice = type === 'LIMIT' || type === 'LIMIT_MAKER' || type.endsWith('_LIMIT');
    const price = p.price === undefined ? 0 : Number(p.price);
    if (needsPrice && !(price > 0)) return mandatory(name('price'));
    if (price > 0 && !onGrid(price, inst.tickSize)) return bad(-1013, 'Filter failure: PRICE_FILTER');
    const trailingDelta = p.trailingDelta === undefined ? null : Number(p.trailingDelta);
    const needsStop = type.startsWith('STOP_LOSS') || type.startsWith('TAKE_PROFIT');
    const stopPrice = p.stopPrice === undefined ? 0 : Number(p.stopPrice);
    if (needsStop && !(stopPrice > 0) && trailingDelta === null) return mandatory(name('stopPrice'));
    if (stopPrice > 0 && !onGrid(stopPrice, inst.tickSize)) return bad(-1013, 'Filter failure: PRICE_FILTER');
    if (
      trailingDelta !== null &&
      (!needsStop || !Number.isInteger(trailingDelta) || trailingDelta < 10 || trailingDelta > 2000)
    )
      return bad(-1013, 'Filter failure: TRAILING_DELTA');
    const quote = this.world.venue.quote(symbol);
    const ref = price > 0 ? price : stopPrice > 0 ? stopPrice : side === 'BUY' ? quote.ask : quote.bid;
    if (qty * ref < pair.minNotional || qty * ref > pair.maxNotional)
      return bad(-1013, 'Filter failure: NOTIONAL');
    if (type === 'LIMIT_MAKER' && !pending && (side === 'BUY' ? price >= quote.ask : price <= quote.bid))
      return bad(-2010, 'Order would immediately match and take.');
    const cid =
      typeof p.newClientOrderId === 'string' && p.newClientOrderId !== '' ? p.newClientOrderId : null;
    if (cid !== null && !/^[.A-Z:/a-z0-9_-]{1,36}$/.test(cid)) return mandatory(name('newClientOrderId'));
    if (cid !== null && this.openOrders(accountId).some((o) => o.clientOrderId === cid))
      return bad(-2010, 'Duplicate order sent.');
    const bal = this.account(accountId).balances;
    const need = side === 'BUY' ? qty * ref : qty;
    const asset = side === 'BUY' ? pair.quoteAsset : pair.baseAsset;
    if (!pending && (bal.get(asset) ?? 0) + 1e-9 < need)
      return bad(-2010, 'Account has insufficient balance for requested action.');
    const tif = typeof p.timeInForce === 'string' ? p.timeInForce : type === 'MARKET' ? '' : 'GTC';
    return {
      ok: true,
      value: {
        symbol,
        side,
        type,
        qty,
        price,
        stopPrice,
        trailingDelta,
        timeInForce: tif,
        clientOrderId: cid,
      },
    };
  }

  private record(accountId: string, o: OrderInput, orderListId: number, status: BnStatus = 'NEW'): OrderRec {
    const orderId = ++this.orderSeq;
    const now = this.now();
    const rec: OrderRec = {
      orderId,
      simId: `bn-${accountId}-${orderId}`,
      accountId,
      symbol: o.symbol,
      clientOrderId: o.clientOrderId ?? `sim${orderId}x${Math.floor(now % 1e6)}`,
      side: o.side,
      type: o.type,
      timeInForce: o.timeInForce,
      qty: o.qty,
      price: o.price,
      stopPrice: o.stopPrice,
      trailingDelta: o.trailingDelta,
      orderListId,
      status,
      filled: 0,
      cumQuote: 0,
      time: now,
      updateTime: now,
      expiryReason: 'NONE',
    };
    this.orders.set(orderId, rec);
    this.bySim.set(rec.simId, rec);
    return rec;
  }

  private bookInput(rec: OrderRec): BookOrderInput & { clientOrderId: string } {
    const trail: Trail | null =
      rec.trailingDelta === null
        ? null
        : // BIPS: 100 = 1 %. With a stop price, tracking starts only once the market reaches it.
          {
            by: 'percent',
            value: rec.trailingDelta / 100,
            activationPrice: rec.stopPrice > 0 ? rec.stopPrice : null,
          };
    const bookType = BOOK_TYPE[rec.type];
    const takeProfit = rec.type === 'TAKE_PROFIT';
    return {
      id: rec.simId,
      clientOrderId: rec.clientOrderId,
      side: rec.side === 'BUY' ? 'buy' : 'sell',
      type: bookType,
      qty: rec.qty,
      limitPrice: takeProfit ? rec.stopPrice : rec.price > 0 ? rec.price : null,
      stopPrice:
        bookType === 'stop' || bookType === 'stop_limit' ? (rec.stopPrice > 0 ? rec.stopPrice : null) : null,
      tif: rec.timeInForce === 'IOC' || rec.timeInForce === 'FOK' ? 'ioc' : 'gtc',
      trail,
    };
  }

  private newList(type: 'OCO' | 'OTO', symbol: string, clientId: unknown): ListRec {
    const id = ++this.listSeq;
    const list: ListRec = {
      orderListId: id,
      listClientOrderId: typeof clientId === 'string' && clientId !== '' ? clientId : `list${id}`,
      contingencyType: type,
      symbol,
      orderIds: [],
      done: false,
      time: this.now(),
    };
    this.lists.set(id, list);
    return list;
  }

  /** Run a list placement, sending its `listStatus` after the legs' reports (or before, by fault). */
  private withListStatus(accountId: string, list: ListRec, type: 'EXEC_STARTED', run: () => void): void {
    const a = this.account(accountId);
    if (this.listStatusFirst > 0) {
      this.listStatusFirst -= 1;
      this.emit(a, this.listStatus(list, type));
      run();
      return;
    }
    run();
    this.emit(a, this.listStatus(list, type));
  }

  listStatus(list: ListRec, type: 'RESPONSE' | 'EXEC_STARTED' | 'ALL_DONE'): UserEvent {
    const done = type === 'ALL_DONE';
    return {
      e: 'listStatus',
      E: this.now(),
      s: list.symbol,
      g: list.orderListId,
      c: list.contingencyType,
      l: type,
      L: done ? 'ALL_DONE' : 'EXECUTING',
      r: 'NONE',
      C: list.listClientOrderId,
      T: this.now(),
      O: list.orderIds.map((i) => ({ s: list.symbol, i, c: this.orders.get(i)?.clientOrderId ?? '' })),
    };
  }

  private onAccountEvent(a: Account, e: AccountEvent): void {
    if (e.type === 'position') return;
    const rec = this.bySim.get(e.type === 'fill' ? e.fill.orderId : e.order.id);
    if (rec === undefined) return;
    const now = this.now();
    if (e.type === 'fill') return this.onFill(a, rec, e.fill.qty, e.fill.price, now);
    const o: SimOrder = e.order;
    switch (e.change) {
      case 'placed':
        rec.updateTime = now;
        return this.emit(a, this.report(rec, 'NEW', null));
      case 'activated':
        if (rec.status !== 'PENDING_NEW') return;
        rec.status = 'NEW';
        rec.updateTime = now;
        return this.emit(a, this.report(rec, 'NEW', null));
      case 'done': {
        if (!isOpen(rec.status)) return;
        const cause = o.doneCause;
        rec.status = cause === 'user' ? 'CANCELED' : 'EXPIRED';
        rec.expiryReason =
          cause === 'oco'
            ? 'OCO_TRIGGER'
            : cause === 'ioc'
              ? 'UNFILLED_IOC_QUANTITY_EXPIRED'
              : cause === 'entry_unfilled'
                ? 'OTO_PHASE_ONE_EXPIRED'
                : 'NONE';
        rec.updateTime = now;
        return this.afterLeg(a, rec, () =>
          this.emit(a, this.report(rec, rec.status === 'CANCELED' ? 'CANCELED' : 'EXPIRED', null)),
        );
      }
      default:
        // Trailing stops moving, stops triggering, exits resized: Binance reports none of these.
        return;
    }
  }

  private onFill(a: Account, rec: OrderRec, qty: number, price: number, now: number): void {
    const pair = this.pairs.get(rec.symbol);
    if (pair === undefined) return;
    const quoteQty = round8(qty * price);
    rec.filled = roundToStep(rec.filled + qty, pair.instrument.qtyStep);
    rec.cumQuote = round8(rec.cumQuote + quoteQty);
    rec.status = rec.filled >= rec.qty ? 'FILLED' : 'PARTIALLY_FILLED';
    rec.updateTime = now;
    const buy = rec.side === 'BUY';
    // Commission is taken from what the trade brings in: the base asset on a buy, the quote on a sell.
    const commission = round8((buy ? qty : quoteQty) * this.commissionRate);
    const commissionAsset = buy ? pair.baseAsset : pair.quoteAsset;
    const b = a.balances;
    const base = pair.baseAsset;
    const quote = pair.quoteAsset;
    if (buy) {
      b.set(base, round8((b.get(base) ?? 0) + qty - commission));
      b.set(quote, round8((b.get(quote) ?? 0) - quoteQty));
    } else {
      b.set(base, round8((b.get(base) ?? 0) - qty));
      b.set(quote, round8((b.get(quote) ?? 0) + quoteQty - commission));
    }
    const trade: TradeRec = {
      symbol: rec.symbol,
      id: ++this.tradeSeq,
      orderId: rec.orderId,
      orderListId: rec.orderListId,
      price,
      qty,
      quoteQty,
      commission,
      commissionAsset,
      time: now,
      isBuyer: buy,
      isMaker: rec.type !== 'MARKET',
    };
    a.trades.push(trade);
    this.afterLeg(a, rec, () => {
      this.emit(a, this.report(rec, 'TRADE', trade));
      this.emitPosition(a, [base, quote]);
    });
  }

  /** Emit a leg's report, and its list's final `listStatus` when this leg ended the list. */
  private afterLeg(a: Account, rec: OrderRec, emitLeg: () => void): void {
    const list = rec.orderListId >= 0 ? this.lists.get(rec.orderListId) : undefined;
    const ends =
      list !== undefined &&
      !list.done &&
      list.orderIds.every((id) => !isOpen(this.orders.get(id)?.status ?? 'FILLED'));
    if (list === undefined || !ends) return emitLeg();
    list.done = true;
    if (this.listStatusFirst > 0) {
      this.listStatusFirst -= 1;
      this.emit(a, this.listStatus(list, 'ALL_DONE'));
      emitLeg();
      return;
    }
    emitLeg();
    this.emit(a, this.listStatus(list, 'ALL_DONE'));
  }

  report(rec: OrderRec, x: string, trade: TradeRec | null): UserEvent {
    const now = this.now();
    return {
      e: 'executionReport',
      E: now,
      s: rec.symbol,
      c: rec.clientOrderId,
      S: rec.side,
      o: rec.type,
      f: rec.timeInForce === '' ? 'GTC' : rec.timeInForce,
      q: dec(rec.qty),
      p: dec(rec.price),
      P: dec(rec.stopPrice),
      F: dec(0),
      g: rec.orderListId,
      C: '',
      x,
      X: rec.status,
      r: 'NONE',
      i: rec.orderId,
      l: dec(trade?.qty ?? 0),
      z: dec(rec.filled),
      L: dec(trade?.price ?? 0),
      n: dec(trade?.commission ?? 0),
      N: trade?.commissionAsset ?? null,
      T: rec.updateTime,
      t: trade?.id ?? -1,
      I: trade === null ? ++this.tradeSeq * 10 : trade.id * 10 + 1,
      w: isOpen(rec.status) && rec.status !== 'PENDING_NEW',
      m: trade?.isMaker ?? false,
      M: false,
      O: rec.time,
      Z: dec(rec.cumQuote),
      Y: dec(trade?.quoteQty ?? 0),
      Q: dec(0),
      W: rec.time,
      V: 'EXPIRE_MAKER',
      ...(rec.trailingDelta === null ? {} : { d: rec.trailingDelta, D: rec.time }),
      ...(rec.expiryReason === 'NONE' ? {} : { eR: rec.expiryReason }),
    };
  }

  private emitPosition(a: Account, assets: string[]): void {
    const now = this.now();
    this.emit(a, {
      e: 'outboundAccountPosition',
      E: now,
      u: now,
      B: assets.map((asset) => ({ a: asset, f: dec(a.balances.get(asset) ?? 0), l: dec(0) })),
    });
  }

  private emit(a: Account, e: UserEvent): void {
    for (const l of a.listeners) l(e);
  }
}

interface OrderInput {
  symbol: string;
  side: BnSide;
  type: BnType;
  qty: number;
  price: number;
  stopPrice: number;
  trailingDelta: number | null;
  timeInForce: string;
  clientOrderId: string | null;
}

function mandatory(name: string): { ok: false; error: BnError } {
  return bad(-1102, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`);
}

export function isOpen(s: BnStatus): boolean {
  return s === 'NEW' || s === 'PENDING_NEW' || s === 'PARTIALLY_FILLED';
}

function onGrid(value: number, step: number): boolean {
  const n = value / step;
  return Math.abs(n - Math.round(n)) < 1e-6;
}

function round8(n: number): number {
  return Math.round(n * 1e8) / 1e8;
}

/** An order as Binance's order endpoints answer (`order.status`, `openOrders`). */
export function orderJson(o: OrderRec): Record<string, unknown> {
  return {
    symbol: o.symbol,
    orderId: o.orderId,
    orderListId: o.orderListId,
    clientOrderId: o.clientOrderId,
    price: dec(o.price),
    origQty: dec(o.qty),
    executedQty: dec(o.filled),
    cummulativeQuoteQty: dec(o.cumQuote),
    status: o.status,
    timeInForce: o.timeInForce === '' ? 'GTC' : o.timeInForce,
    type: o.type,
    side: o.side,
    stopPrice: dec(o.stopPrice),
    icebergQty: dec(0),
    time: o.time,
    updateTime: o.updateTime,
    isWorking: isOpen(o.status) && o.status !== 'PENDING_NEW',
    workingTime: o.time,
    origQuoteOrderQty: dec(0),
    selfTradePreventionMode: 'EXPIRE_MAKER',
    ...(o.trailingDelta === null ? {} : { trailingDelta: o.trailingDelta }),
  };
}

export function tradeJson(t: TradeRec): Record<string, unknown> {
  return {
    symbol: t.symbol,
    id: t.id,
    orderId: t.orderId,
    orderListId: t.orderListId,
    price: dec(t.price),
    qty: dec(t.qty),
    quoteQty: dec(t.quoteQty),
    commission: dec(t.commission),
    commissionAsset: t.commissionAsset,
    time: t.time,
    isBuyer: t.isBuyer,
    isMaker: t.isMaker,
    isBestMatch: true,
  };
}

export function listJson(l: ListRec, orders: OrderRec[]): Record<string, unknown> {
  return {
    orderListId: l.orderListId,
    contingencyType: l.contingencyType,
    listStatusType: l.done ? 'ALL_DONE' : 'EXEC_STARTED',
    listOrderStatus: l.done ? 'ALL_DONE' : 'EXECUTING',
    listClientOrderId: l.listClientOrderId,
    transactionTime: l.time,
    symbol: l.symbol,
    orders: orders.map((o) => ({ symbol: o.symbol, orderId: o.orderId, clientOrderId: o.clientOrderId })),
    orderReports: orders.map(orderJson),
  };
}
