/**
 * The Ledger: the single source of truth for orders, fills, positions, balances, quotes and
 * connection health. Connections emit events; the Ledger applies them idempotently (fills by
 * execution id, orders by a version key) and monotonically (a finished order never comes back),
 * derives positions and P&L, and records which entities changed so the batcher emits only those.
 */
import {
  type Account,
  type AccountMode,
  type ConnectionHealth,
  type Fill,
  type Instrument,
  type Order,
  type OrderStatus,
  type Position,
  type Quote,
  isOrderDone,
  positionKey,
} from '../../shared/domain';
import { unrealizedPnl } from '../../shared/money';
import type { ConnectionEvent, ReportedAccount, ReportedPosition, ResyncSnapshot } from './connection';
import type { Logger } from './log';

/** Fills kept for snapshots (newest last); older ones are still counted for idempotency. */
export const RECENT_FILLS = 500;

const statusRank: Record<OrderStatus, number> = {
  pending: 0,
  working: 1,
  partially_filled: 2,
  filled: 3,
  cancelled: 3,
  rejected: 3,
  expired: 3,
};

/** Two reports with the same key describe the same order state. */
export function orderVersionKey(o: Order): string {
  return `${o.status}-${o.limitPrice ?? ''}/${o.stopPrice ?? ''}-${o.filledQty}-${o.qty}`;
}

/** Mid when both sides are present and sane, else the last trade. */
export function markOf(q: Quote): number {
  return q.bid > 0 && q.ask > 0 && q.ask >= q.bid ? (q.bid + q.ask) / 2 : q.last;
}

/** Quantities are summed from broker decimals: keep them free of float tails. */
function cleanQty(x: number): number {
  return Math.round(x * 1e8) / 1e8;
}

export interface LedgerChanges {
  quotes: Map<string, Quote>;
  orders: Set<string>;
  fills: Fill[];
  positions: Set<string>;
  accounts: Set<string>;
  connections: Set<string>;
  instruments: Instrument[];
}

function emptyChanges(): LedgerChanges {
  return {
    quotes: new Map(),
    orders: new Set(),
    fills: [],
    positions: new Set(),
    accounts: new Set(),
    connections: new Set(),
    instruments: [],
  };
}

interface OrderState {
  order: Order;
  seen: Set<string>;
}

interface PositionState {
  p: Position;
  /** True once a live quote has marked it; the broker's mark is then ignored. */
  liveMark: boolean;
}

interface AccountState {
  a: Account;
  /** Broker-reported equity and the unrealized P&L we had when it was reported. */
  reportedEquity: number | null;
  reportedDayPnl: number | null;
  unrealizedAtReport: number;
  startOfDayEquity: number | null;
}

interface OrderFillTotals {
  qty: number;
  notional: number;
}

export interface LedgerOptions {
  logger?: Logger;
  now?: () => number;
}

export class Ledger {
  private readonly log: Logger | undefined;
  private readonly now: () => number;
  private readonly instrumentMap = new Map<string, Instrument>();
  private readonly quoteMap = new Map<string, Quote>();
  private readonly orderMap = new Map<string, OrderState>();
  private readonly fillIds = new Set<string>();
  private readonly recentFills: Fill[] = [];
  private readonly fillTotals = new Map<string, OrderFillTotals>();
  private readonly positionMap = new Map<string, PositionState>();
  /** `${connectionId}:${symbol}` → position keys, so a quote marks only its positions. */
  private readonly positionsBySymbol = new Map<string, Set<string>>();
  private readonly accountMap = new Map<string, AccountState>();
  private readonly healthMap = new Map<string, ConnectionHealth>();
  private readonly healthJson = new Map<string, string>();
  private readonly modes = new Map<string, AccountMode>();
  /** Connections that report positions themselves (gateways): fills do not move their positions. */
  private readonly reportsPositions = new Set<string>();
  private readonly verifiedConnections = new Set<string>();
  private changes: LedgerChanges = emptyChanges();
  private dirty = false;
  /** Called when something changed; the batcher schedules a flush. */
  onChange: (() => void) | null = null;

  constructor(opts: LedgerOptions = {}) {
    this.log = opts.logger;
    this.now = opts.now ?? Date.now;
  }

  registerConnection(id: string, mode: AccountMode): void {
    this.modes.set(id, mode);
  }

  // ---------------------------------------------------------------- reading

  instruments(): Instrument[] {
    return [...this.instrumentMap.values()];
  }
  instrument(connectionId: string, symbol: string): Instrument | undefined {
    return this.instrumentMap.get(`${connectionId}:${symbol}`);
  }
  /** Every connection's listing of `symbol`, in the order they appeared. */
  instrumentsFor(symbol: string): Instrument[] {
    return this.instruments().filter((i) => i.symbol === symbol);
  }
  quotes(): Quote[] {
    return [...this.quoteMap.values()];
  }
  quote(connectionId: string, symbol: string): Quote | undefined {
    return this.quoteMap.get(`${connectionId}:${symbol}`);
  }
  orders(): Order[] {
    return [...this.orderMap.values()].map((s) => s.order);
  }
  order(connectionId: string, id: string): Order | undefined {
    return this.orderMap.get(`${connectionId}:${id}`)?.order;
  }
  /** Orders with this broker id on any connection (ids are only unique per broker). */
  findOrders(id: string): Order[] {
    return this.orders().filter((o) => o.id === id);
  }
  fills(): Fill[] {
    return this.recentFills.slice();
  }
  positions(): Position[] {
    return [...this.positionMap.values()].map((s) => s.p);
  }
  position(key: string): Position | undefined {
    return this.positionMap.get(key)?.p;
  }
  accounts(): Account[] {
    return [...this.accountMap.values()].map((s) => s.a);
  }
  account(connectionId: string, accountId: string): Account | undefined {
    return this.accountMap.get(`${connectionId}:${accountId}`)?.a;
  }
  accountByKey(key: string): Account | undefined {
    return this.accountMap.get(key)?.a;
  }
  connections(): ConnectionHealth[] {
    return [...this.healthMap.values()];
  }
  connectionHealth(id: string): ConnectionHealth | undefined {
    return this.healthMap.get(id);
  }
  orderByKey(key: string): Order | undefined {
    return this.orderMap.get(key)?.order;
  }

  /** What changed since the last call; the caller owns the returned sets. */
  takeChanges(): LedgerChanges {
    const c = this.changes;
    this.changes = emptyChanges();
    this.dirty = false;
    return c;
  }

  hasChanges(): boolean {
    return this.dirty;
  }

  private touched(): void {
    if (!this.dirty) {
      this.dirty = true;
      this.onChange?.();
    }
  }

  // ---------------------------------------------------------------- applying events

  apply(connectionId: string, event: ConnectionEvent): void {
    switch (event.type) {
      case 'quote':
        this.applyQuote(connectionId, event.quote);
        return;
      case 'trade':
        return; // bars are built by the BarStore; the ledger marks from quotes
      case 'instrument':
        this.applyInstrument(connectionId, event.instrument);
        return;
      case 'order':
        this.applyOrder(connectionId, event.order);
        return;
      case 'fill':
        this.applyFill(connectionId, event.fill);
        return;
      case 'position':
        this.applyReportedPosition(connectionId, event.position);
        return;
      case 'account':
        this.applyAccount(connectionId, event.account);
        return;
      case 'resync':
        this.applyResync(connectionId, event.snapshot);
        return;
      case 'unverified':
        this.setVerified(connectionId, false);
        return;
      case 'health':
        this.applyHealth(connectionId, event.health);
        return;
    }
  }

  private applyInstrument(connectionId: string, inst: Instrument): void {
    const key = `${connectionId}:${inst.symbol}`;
    const prev = this.instrumentMap.get(key);
    const next = inst.connectionId === connectionId ? inst : { ...inst, connectionId };
    if (prev !== undefined && JSON.stringify(prev) === JSON.stringify(next)) return;
    this.instrumentMap.set(key, next);
    this.changes.instruments.push(next);
    // A multiplier may arrive after a position was opened: re-mark with the right one.
    const keys = this.positionsBySymbol.get(key);
    if (keys !== undefined) for (const pk of keys) this.remark(pk, next.multiplier);
    this.touched();
  }

  /** Hot path: one quote. */
  private applyQuote(connectionId: string, q: Quote): void {
    const key = `${connectionId}:${q.symbol}`;
    this.quoteMap.set(key, q);
    this.changes.quotes.set(key, q);
    const keys = this.positionsBySymbol.get(key);
    if (keys !== undefined) {
      const mark = markOf(q);
      for (const pk of keys) {
        const s = this.positionMap.get(pk);
        if (s === undefined) continue;
        s.liveMark = true;
        s.p.last = mark;
        s.p.markedAt = q.receivedAt;
        s.p.unrealizedPnl = s.p.qty === 0 ? 0 : unrealizedPnl(s.p.qty, s.p.avgPrice, mark, s.p.multiplier);
        this.changes.positions.add(pk);
        this.recomputeAccount(s.p.connectionId, s.p.accountId);
      }
    }
    this.touched();
  }

  private applyOrder(connectionId: string, o: Order): void {
    const key = `${connectionId}:${o.id}`;
    const cur = this.orderMap.get(key);
    const version = orderVersionKey(o);
    if (cur === undefined) {
      this.orderMap.set(key, {
        order: o.connectionId === connectionId ? o : { ...o, connectionId },
        seen: new Set([version]),
      });
      this.logStatus(connectionId, o, null);
      this.changes.orders.add(key);
      this.touched();
      return;
    }
    const c = cur.order;
    // Monotone: a finished order is final; state and fills never go backwards; old reports lose.
    if (isOrderDone(c.status)) return;
    if (cur.seen.has(version) && o.updatedAt <= c.updatedAt) return;
    if (o.updatedAt < c.updatedAt) return;
    if (o.filledQty < c.filledQty) return;
    if (statusRank[o.status] < statusRank[c.status]) return;
    if (version === orderVersionKey(c)) return;
    cur.seen.add(version);
    cur.order = {
      ...o,
      connectionId,
      // Some brokers omit our id on updates; keep the one we sent.
      clientOrderId: o.clientOrderId !== '' ? o.clientOrderId : c.clientOrderId,
      createdAt: Math.min(c.createdAt, o.createdAt),
    };
    if (c.status !== o.status) this.logStatus(connectionId, o, c.status);
    this.changes.orders.add(key);
    this.touched();
  }

  private logStatus(connectionId: string, o: Order, from: OrderStatus | null): void {
    this.log?.info(
      {
        connectionId,
        orderId: o.id,
        clientOrderId: o.clientOrderId,
        symbol: o.symbol,
        from,
        to: o.status,
        at: o.updatedAt,
      },
      'order status',
    );
  }

  private applyFill(connectionId: string, f: Fill): boolean {
    const key = `${connectionId}:${f.id}`;
    if (this.fillIds.has(key)) return false;
    this.fillIds.add(key);
    const fill = f.connectionId === connectionId ? f : { ...f, connectionId };
    this.recentFills.push(fill);
    if (this.recentFills.length > RECENT_FILLS)
      this.recentFills.splice(0, this.recentFills.length - RECENT_FILLS);
    this.changes.fills.push(fill);
    const ok = `${connectionId}:${f.orderId}`;
    const t = this.fillTotals.get(ok) ?? { qty: 0, notional: 0 };
    t.qty = cleanQty(t.qty + f.qty);
    t.notional += f.qty * f.price;
    this.fillTotals.set(ok, t);
    this.ensureAccount(connectionId, f.accountId);
    const s = this.ensurePosition(connectionId, f.accountId, f.symbol);
    s.p.fees += f.commission;
    if (!this.reportsPositions.has(connectionId)) this.foldFill(s, f);
    this.changes.positions.add(s.p.key);
    this.recomputeAccount(connectionId, f.accountId);
    this.touched();
    return true;
  }

  /** Average-cost position update: adds average in, reductions realize, a flip re-opens at the fill price. */
  private foldFill(s: PositionState, f: Fill): void {
    const p = s.p;
    const signed = f.side === 'buy' ? f.qty : -f.qty;
    if (p.qty === 0 || Math.sign(p.qty) === Math.sign(signed)) {
      const qty = cleanQty(p.qty + signed);
      p.avgPrice = (p.avgPrice * Math.abs(p.qty) + f.price * f.qty) / Math.abs(qty);
      p.qty = qty;
    } else {
      const closing = Math.min(f.qty, Math.abs(p.qty));
      p.realizedPnl += (f.price - p.avgPrice) * closing * Math.sign(p.qty) * p.multiplier;
      const qty = cleanQty(p.qty + signed);
      if (qty === 0) p.avgPrice = 0;
      else if (Math.sign(qty) !== Math.sign(p.qty)) p.avgPrice = f.price;
      p.qty = qty;
    }
    this.markPosition(s);
  }

  private markPosition(s: PositionState): void {
    const p = s.p;
    const q = this.quoteMap.get(`${p.connectionId}:${p.symbol}`);
    if (q !== undefined) {
      s.liveMark = true;
      p.last = markOf(q);
      p.markedAt = q.receivedAt;
    }
    p.unrealizedPnl =
      p.qty === 0 || p.last === null ? 0 : unrealizedPnl(p.qty, p.avgPrice, p.last, p.multiplier);
  }

  private remark(pk: string, multiplier: number): void {
    const s = this.positionMap.get(pk);
    if (s === undefined) return;
    s.p.multiplier = multiplier;
    this.markPosition(s);
    this.changes.positions.add(pk);
    this.recomputeAccount(s.p.connectionId, s.p.accountId);
  }

  private ensurePosition(connectionId: string, accountId: string, symbol: string): PositionState {
    const key = positionKey(connectionId, accountId, symbol);
    let s = this.positionMap.get(key);
    if (s !== undefined) return s;
    const inst = this.instrumentMap.get(`${connectionId}:${symbol}`);
    if (inst === undefined)
      this.log?.warn(
        { connectionId, symbol },
        'position in an unlisted instrument: multiplier 1 until it is listed',
      );
    s = {
      p: {
        key,
        connectionId,
        accountId,
        symbol,
        qty: 0,
        avgPrice: 0,
        last: null,
        markedAt: null,
        unrealizedPnl: 0,
        realizedPnl: 0,
        fees: 0,
        multiplier: inst?.multiplier ?? 1,
        currency: inst?.currency ?? this.accountMap.get(`${connectionId}:${accountId}`)?.a.currency ?? 'USD',
      },
      liveMark: false,
    };
    this.positionMap.set(key, s);
    const idx = `${connectionId}:${symbol}`;
    const set = this.positionsBySymbol.get(idx);
    if (set === undefined) this.positionsBySymbol.set(idx, new Set([key]));
    else set.add(key);
    return s;
  }

  private applyReportedPosition(connectionId: string, rp: ReportedPosition): void {
    this.reportsPositions.add(connectionId);
    this.ensureAccount(connectionId, rp.accountId);
    const s = this.ensurePosition(connectionId, rp.accountId, rp.symbol);
    const p = s.p;
    p.qty = cleanQty(rp.qty);
    p.avgPrice = rp.qty === 0 ? 0 : rp.avgPrice;
    if (rp.realizedPnl !== undefined) p.realizedPnl = rp.realizedPnl;
    if (!s.liveMark) {
      // Until our own quote arrives the broker's mark is the best we have; its time shows its age.
      p.last = rp.mark;
      p.markedAt = rp.mark === null ? null : (rp.markedAt ?? this.now());
    }
    p.unrealizedPnl =
      p.qty === 0 || p.last === null ? 0 : unrealizedPnl(p.qty, p.avgPrice, p.last, p.multiplier);
    this.changes.positions.add(p.key);
    this.recomputeAccount(connectionId, rp.accountId);
    this.touched();
  }

  private ensureAccount(connectionId: string, accountId: string, currency = 'USD'): AccountState {
    const key = `${connectionId}:${accountId}`;
    let s = this.accountMap.get(key);
    if (s !== undefined) return s;
    s = {
      a: {
        connectionId,
        accountId,
        name: accountId,
        mode: this.modes.get(connectionId) ?? this.healthMap.get(connectionId)?.mode ?? 'live',
        currency,
        cash: 0,
        equity: 0,
        realizedPnl: 0,
        unrealizedPnl: 0,
        fees: 0,
        dayPnl: 0,
        // A new account is unverified until its connection has reconciled a snapshot.
        verified: this.verifiedConnections.has(connectionId),
      },
      reportedEquity: null,
      reportedDayPnl: null,
      unrealizedAtReport: 0,
      startOfDayEquity: null,
    };
    this.accountMap.set(key, s);
    this.changes.accounts.add(key);
    return s;
  }

  private applyAccount(connectionId: string, ra: ReportedAccount): void {
    const s = this.ensureAccount(connectionId, ra.accountId, ra.currency);
    s.a.name = ra.name;
    s.a.currency = ra.currency;
    s.a.cash = ra.cash;
    if (ra.startOfDayEquity !== undefined) s.startOfDayEquity = ra.startOfDayEquity;
    else if (s.startOfDayEquity === null) s.startOfDayEquity = ra.equity ?? ra.cash;
    const unrealized = this.sumUnrealized(connectionId, ra.accountId);
    s.reportedEquity = ra.equity ?? null;
    s.reportedDayPnl = ra.dayPnl ?? null;
    s.unrealizedAtReport = unrealized;
    this.recomputeAccount(connectionId, ra.accountId);
    this.changes.accounts.add(`${connectionId}:${ra.accountId}`);
    this.touched();
  }

  private sumUnrealized(connectionId: string, accountId: string): number {
    let u = 0;
    for (const s of this.positionMap.values())
      if (s.p.connectionId === connectionId && s.p.accountId === accountId) u += s.p.unrealizedPnl;
    return u;
  }

  private recomputeAccount(connectionId: string, accountId: string): void {
    const key = `${connectionId}:${accountId}`;
    const s = this.accountMap.get(key);
    if (s === undefined) return;
    let realized = 0;
    let unrealized = 0;
    let fees = 0;
    for (const ps of this.positionMap.values()) {
      const p = ps.p;
      if (p.connectionId !== connectionId || p.accountId !== accountId) continue;
      realized += p.realizedPnl;
      unrealized += p.unrealizedPnl;
      fees += p.fees;
    }
    const a = s.a;
    a.realizedPnl = realized;
    a.unrealizedPnl = unrealized;
    a.fees = fees;
    // A broker's equity already includes its own marks: move it only by how far ours moved since.
    const drift = unrealized - s.unrealizedAtReport;
    a.equity = s.reportedEquity !== null ? s.reportedEquity + drift : a.cash + unrealized;
    a.dayPnl =
      s.reportedDayPnl !== null
        ? s.reportedDayPnl + drift
        : s.startOfDayEquity !== null
          ? a.equity - s.startOfDayEquity
          : realized - fees + unrealized;
    this.changes.accounts.add(key);
  }

  private setVerified(connectionId: string, verified: boolean): void {
    if (verified) this.verifiedConnections.add(connectionId);
    else this.verifiedConnections.delete(connectionId);
    for (const [key, s] of this.accountMap) {
      if (s.a.connectionId !== connectionId || s.a.verified === verified) continue;
      s.a.verified = verified;
      this.changes.accounts.add(key);
    }
    this.log?.info({ connectionId, verified }, verified ? 'account verified' : 'account unverified');
    this.touched();
  }

  /** Reconcile a broker snapshot taken after (re)connect, then mark the connection's accounts verified. */
  private applyResync(connectionId: string, snap: ResyncSnapshot): void {
    for (const a of snap.accounts) this.applyAccount(connectionId, a);
    let ordersChanged = 0;
    for (const o of snap.orders) {
      const before = this.orderMap.get(`${connectionId}:${o.id}`)?.order;
      this.applyOrder(connectionId, o);
      if (this.orderMap.get(`${connectionId}:${o.id}`)?.order !== before) ordersChanged++;
    }
    let fillsAdded = 0;
    for (const f of snap.fills) if (this.applyFill(connectionId, f)) fillsAdded++;
    let synthesized = 0;
    if (snap.positions !== undefined) {
      const reported = new Set<string>();
      for (const rp of snap.positions) {
        this.applyReportedPosition(connectionId, rp);
        reported.add(positionKey(connectionId, rp.accountId, rp.symbol));
      }
      // The broker's snapshot is complete: anything it does not list is flat.
      for (const s of this.positionMap.values()) {
        if (s.p.connectionId !== connectionId || reported.has(s.p.key) || s.p.qty === 0) continue;
        s.p.qty = 0;
        s.p.avgPrice = 0;
        s.p.unrealizedPnl = 0;
        this.changes.positions.add(s.p.key);
        this.recomputeAccount(connectionId, s.p.accountId);
      }
    } else {
      synthesized = this.synthesizeMissedFills(connectionId);
    }
    this.setVerified(connectionId, true);
    this.log?.info({ connectionId, ordersChanged, fillsAdded, synthesized }, 'resync reconciled');
  }

  /**
   * An order whose reported filled quantity exceeds the fills we hold had executions we never
   * saw (the link was down and the broker's snapshot omits old fills): book the difference at
   * the price implied by the order's average, so positions and P&L match the broker.
   */
  private synthesizeMissedFills(connectionId: string): number {
    let n = 0;
    for (const [key, s] of this.orderMap) {
      const o = s.order;
      if (o.connectionId !== connectionId || o.filledQty <= 0 || o.avgFillPrice === null) continue;
      const t = this.fillTotals.get(key) ?? { qty: 0, notional: 0 };
      const missing = cleanQty(o.filledQty - t.qty);
      if (missing <= 0) continue;
      const price = (o.avgFillPrice * o.filledQty - t.notional) / missing;
      this.applyFill(connectionId, {
        id: `synthetic:${o.id}:${o.filledQty}`,
        orderId: o.id,
        connectionId,
        accountId: o.accountId,
        symbol: o.symbol,
        side: o.side,
        qty: missing,
        price,
        commission: 0,
        ts: o.updatedAt,
      });
      this.log?.warn(
        { connectionId, orderId: o.id, qty: missing, price },
        'synthesized a missed fill from the order snapshot',
      );
      n++;
    }
    return n;
  }

  private applyHealth(connectionId: string, h: ConnectionHealth): void {
    const json = JSON.stringify(h);
    if (this.healthJson.get(connectionId) === json) return;
    this.healthJson.set(connectionId, json);
    this.healthMap.set(connectionId, h);
    if (!this.modes.has(connectionId)) this.modes.set(connectionId, h.mode);
    this.changes.connections.add(connectionId);
    this.touched();
  }
}
