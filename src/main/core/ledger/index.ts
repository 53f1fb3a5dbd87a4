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
  type Depth,
  type Quote,
  isOrderDone,
} from '../../../shared/domain';
import { positionKey } from '../../../shared/keys';
import { unrealizedPnl } from '../../../shared/money';
import type { ConnectionEvent, ReportedAccount, ReportedPosition, ResyncSnapshot } from '../connection';
import { DomainEvents } from '../events';
import type { Logger } from '../log';
import type { Alert } from '../../../shared/stream';
import type { PendingAction } from '../../../shared/domain';
import { type AccountState, newAccountState, settleAccountTotals, sumUnrealized } from './accountTotals';
import { type LedgerChanges, emptyChanges } from './changes';
import { type OrderState, orderVersionKey, supersedes } from './orderVersions';
import { cleanQty, foldFill, markOf, markSourceOf, markedUnrealized } from './positionMath';
import {
  type OrderFillTotals,
  missedFills,
  newFillTotals,
  settleSyntheticFills,
  unlistedOpenOrders,
  unreportedOrderAlert,
} from './reconcile';

export type { LedgerChanges, LedgerRemovals } from './changes';
export { orderVersionKey, supersedes } from './orderVersions';
export { markOf } from './positionMath';

/** Fills kept for snapshots (newest last); older ones are still counted for idempotency. */
export const RECENT_FILLS = 500;

/**
 * Execution ids remembered for idempotency, oldest forgotten first. A broker replays at most a
 * session's executions after a reconnect (hundreds to a few thousand); 100k is far beyond any
 * replay window while capping the memory at a few MB. A replay of a forgotten id is still caught
 * when its order is finished and fully booked (see `applyFill`).
 */
export const MAX_EXEC_IDS = 100_000;

/** Alerts kept as state (active or unacknowledged); past this the oldest settled ones go first. */
export const MAX_ALERTS = 500;

interface PositionState {
  p: Position;
  /** `${connectionId}:${accountId}`, precomputed for the hot path. */
  accountKey: string;
  /** True once a live quote has marked it; the broker's mark is then ignored. */
  liveMark: boolean;
}

interface SymbolSlot {
  /** `${connectionId}:${symbol}` */
  key: string;
  positions: PositionState[];
}

export interface LedgerOptions {
  logger?: Logger;
  now?: () => number;
  /** Execution ids remembered for idempotency (default MAX_EXEC_IDS). */
  maxExecIds?: number;
}

export class Ledger {
  private readonly log: Logger | undefined;
  private readonly now: () => number;
  private readonly instrumentMap = new Map<string, Instrument>();
  private readonly quoteMap = new Map<string, Quote>();
  /** Latest order book per listing; only for listings a ladder watches. */
  private readonly depthMap = new Map<string, Depth>();
  private readonly orderMap = new Map<string, OrderState>();
  /** `${connectionId}:${execId}` → order key, oldest first (bounded by `maxExecIds`). */
  private readonly fillIds = new Map<string, string>();
  private readonly maxExecIds: number;
  /** Open orders a resync did not list, already alerted (cleared when the broker lists them again). */
  private readonly unreported = new Set<string>();
  private readonly recentFills: Fill[] = [];
  private readonly fillTotals = new Map<string, OrderFillTotals>();
  private readonly positionMap = new Map<string, PositionState>();
  /**
   * connectionId → symbol → its key and positions, so a quote marks only its positions without
   * building a key string per tick (the hot path looks up two stable strings instead).
   */
  private readonly symbolSlots = new Map<string, Map<string, SymbolSlot>>();
  /** `${connectionId}:${accountId}` → its positions, for account totals. */
  private readonly positionsByAccount = new Map<string, PositionState[]>();
  private readonly accountMap = new Map<string, AccountState>();
  /** Accounts whose totals must be recomputed before they are read (one pass per flush, not per tick). */
  private readonly staleAccounts = new Set<string>();
  private readonly healthMap = new Map<string, ConnectionHealth>();
  private readonly healthJson = new Map<string, string>();
  private readonly modes = new Map<string, AccountMode>();
  /** Connections that report positions themselves (gateways): fills do not move their positions. */
  private readonly reportsPositions = new Set<string>();
  private readonly verifiedConnections = new Set<string>();
  /** Alerts still active or not yet acknowledged, oldest first: state, so a sequence gap loses none. */
  private readonly alertBook = new Map<string, Alert>();
  private changes: LedgerChanges = emptyChanges();
  private dirty = false;
  /** Called when something changed; the batcher schedules a flush. */
  onChange: (() => void) | null = null;
  /** What happened, for every subscriber (desk, protection, alerts, journal), after it is applied. */
  readonly events: DomainEvents;

  constructor(opts: LedgerOptions = {}) {
    this.log = opts.logger;
    this.events = new DomainEvents(opts.logger);
    this.now = opts.now ?? Date.now;
    this.maxExecIds = Math.max(1, opts.maxExecIds ?? MAX_EXEC_IDS);
  }

  /** Execution ids currently remembered (bounded). */
  get rememberedExecIds(): number {
    return this.fillIds.size;
  }

  registerConnection(id: string, mode: AccountMode): void {
    this.modes.set(id, mode);
  }

  /**
   * The user removed a connection: drop everything it reported (health, instruments, quotes,
   * orders, fills, positions, accounts) so nothing of it lingers looking current, and record the
   * removal for the stream. Its fills, quotes and instruments go with its connection id; orders,
   * positions and accounts are listed one by one. A connection that is only disabled is not
   * forgotten: the engine keeps its rows, stopped and unverified.
   */
  forgetConnection(connectionId: string): void {
    const removed = this.changes.removed;
    const c = this.changes;
    removed.connections.add(connectionId);
    this.healthMap.delete(connectionId);
    this.healthJson.delete(connectionId);
    c.connections.delete(connectionId);
    this.modes.delete(connectionId);
    this.reportsPositions.delete(connectionId);
    this.verifiedConnections.delete(connectionId);

    const symbols = new Set<string>();
    for (const [key, inst] of this.instrumentMap) {
      if (inst.connectionId !== connectionId) continue;
      this.instrumentMap.delete(key);
      symbols.add(inst.symbol);
    }
    for (const slot of this.symbolSlots.get(connectionId)?.values() ?? []) {
      this.quoteMap.delete(slot.key);
      c.quotes.delete(slot.key);
    }
    for (const [key, d] of this.depthMap) {
      if (d.connectionId !== connectionId) continue;
      this.depthMap.delete(key);
      c.depth.delete(key);
    }
    this.symbolSlots.delete(connectionId);

    for (const [key, s] of this.orderMap) {
      if (s.order.connectionId !== connectionId) continue;
      this.orderMap.delete(key);
      this.unreported.delete(key);
      c.orders.delete(key);
      removed.orders.add(key);
    }
    for (const [execKey, orderKey] of this.fillIds)
      if (this.fillTotals.get(orderKey)?.connectionId === connectionId) this.fillIds.delete(execKey);
    for (const [key, t] of this.fillTotals) if (t.connectionId === connectionId) this.fillTotals.delete(key);
    for (let i = this.recentFills.length - 1; i >= 0; i--)
      if (this.recentFills[i]?.connectionId === connectionId) this.recentFills.splice(i, 1);

    for (const [key, s] of this.positionMap) {
      if (s.p.connectionId !== connectionId) continue;
      this.positionMap.delete(key);
      this.positionsByAccount.delete(s.accountKey);
      c.positions.delete(key);
      removed.positions.add(key);
    }
    for (const [key, s] of this.accountMap) {
      if (s.a.connectionId !== connectionId) continue;
      this.accountMap.delete(key);
      this.positionsByAccount.delete(key);
      this.staleAccounts.delete(key);
      c.accounts.delete(key);
      removed.accounts.add(key);
    }
    c.fills = c.fills.filter((f) => f.connectionId !== connectionId);
    c.instruments = c.instruments.filter((i) => i.connectionId !== connectionId);
    // A consumer that keeps one listing per symbol gets back the listings other connections still have.
    for (const inst of this.instrumentMap.values()) if (symbols.has(inst.symbol)) c.instruments.push(inst);
    this.log?.info(
      { connectionId, orders: removed.orders.size, positions: removed.positions.size },
      'connection forgotten',
    );
    this.touched();
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
  depths(): Depth[] {
    return [...this.depthMap.values()];
  }

  /** Nobody watches this listing's book any more: a later snapshot does not carry a stale one. */
  dropDepth(connectionId: string, symbol: string): void {
    const key = `${connectionId}:${symbol}`;
    this.depthMap.delete(key);
    this.changes.depth.delete(key);
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
  /** The order placed under this client order id (our intent id), on any connection. */
  orderByClientOrderId(clientOrderId: string): Order | undefined {
    for (const s of this.orderMap.values()) if (s.order.clientOrderId === clientOrderId) return s.order;
    return undefined;
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
    this.settleAccounts();
    return [...this.accountMap.values()].map((s) => s.a);
  }
  account(connectionId: string, accountId: string): Account | undefined {
    this.settleAccounts();
    return this.accountMap.get(`${connectionId}:${accountId}`)?.a;
  }
  accountByKey(key: string): Account | undefined {
    this.settleAccounts();
    return this.accountMap.get(key)?.a;
  }
  /**
   * True when the account's P&L comes from the broker: its connection reports positions (not
   * fills we average ourselves) and the broker reported equity or day P&L. Our realized P&L for
   * such an account is only what the broker chose to tell, so totals use its day P&L instead.
   */
  brokerReportsPnl(connectionId: string, accountId: string): boolean {
    if (!this.reportsPositions.has(connectionId)) return false;
    const s = this.accountMap.get(`${connectionId}:${accountId}`);
    return s !== undefined && (s.reportedDayPnl !== null || s.reportedEquity !== null);
  }
  /** The broker reported the account as spot: cash paid for its holdings, so it never holds a short. */
  isSpot(connectionId: string, accountId: string): boolean {
    return this.accountMap.get(`${connectionId}:${accountId}`)?.spot === true;
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
    this.settleAccounts();
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
      case 'depth':
        this.applyDepth(connectionId, event.depth);
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
    for (const ps of this.slot(connectionId, inst.symbol).positions) this.remark(ps, next.multiplier);
    this.touched();
  }

  /**
   * Hot path: one quote. Marks only this symbol's positions; account totals are settled once
   * before they are read (`settleAccounts`), not per tick.
   */
  private applyQuote(connectionId: string, q: Quote): void {
    const slot = this.slot(connectionId, q.symbol);
    this.quoteMap.set(slot.key, q);
    this.changes.quotes.set(slot.key, q);
    const list = slot.positions;
    if (list.length > 0) {
      const mark = markOf(q);
      const source = markSourceOf(q);
      for (let i = 0; i < list.length; i++) {
        const s = list[i] as PositionState;
        const p = s.p;
        s.liveMark = true;
        p.last = mark;
        p.markSource = source;
        p.markedAt = q.receivedAt;
        p.unrealizedPnl = p.qty === 0 ? 0 : unrealizedPnl(p.qty, p.avgPrice, mark, p.multiplier);
        this.changes.positions.add(p.key);
        this.staleAccounts.add(s.accountKey);
      }
    }
    if (!this.dirty) this.touched();
    if (this.events.has('quote')) this.events.emit({ type: 'quote', quote: q });
  }

  /** Latest wins; nothing else depends on the book. */
  private applyDepth(connectionId: string, d: Depth): void {
    const key = `${connectionId}:${d.symbol}`;
    const next = d.connectionId === connectionId ? d : { ...d, connectionId };
    this.depthMap.set(key, next);
    this.changes.depth.set(key, next);
    if (!this.dirty) this.touched();
  }

  private slot(connectionId: string, symbol: string): SymbolSlot {
    let bySymbol = this.symbolSlots.get(connectionId);
    if (bySymbol === undefined) {
      bySymbol = new Map();
      this.symbolSlots.set(connectionId, bySymbol);
    }
    let slot = bySymbol.get(symbol);
    if (slot === undefined) {
      slot = { key: `${connectionId}:${symbol}`, positions: [] };
      bySymbol.set(symbol, slot);
    }
    return slot;
  }

  /**
   * What the terminal adds to a broker's order before it is stored (the protection engine: who
   * holds the protection, its list, the trailing stop's peak). The broker's report says nothing of
   * these, so they are re-applied to every version; `refreshOrder` re-applies them on demand.
   */
  private decorator: ((o: Order) => Order) | null = null;

  setOrderDecorator(decorate: ((o: Order) => Order) | null): void {
    this.decorator = decorate;
  }

  /** Re-decorates one order (its protection state changed) and publishes it when it differs. */
  refreshOrder(connectionId: string, orderId: string): void {
    const key = `${connectionId}:${orderId}`;
    const cur = this.orderMap.get(key);
    if (cur === undefined || this.decorator === null) return;
    const previous = cur.order;
    const next = this.decorator(previous);
    if (JSON.stringify(next) === JSON.stringify(previous)) return;
    cur.order = next;
    this.changes.orders.add(key);
    this.touched();
    this.events.emit({ type: 'order', order: next, previous });
  }

  private applyOrder(connectionId: string, o: Order): void {
    const key = `${connectionId}:${o.id}`;
    const cur = this.orderMap.get(key);
    const version = orderVersionKey(o);
    const decorate = this.decorator ?? ((x: Order) => x);
    if (cur === undefined) {
      const order = decorate(o.connectionId === connectionId ? o : { ...o, connectionId });
      this.orderMap.set(key, { order, seen: new Set([version]) });
      this.logStatus(connectionId, o, null);
      this.changes.orders.add(key);
      this.touched();
      this.events.emit({ type: 'order', order, previous: undefined });
      return;
    }
    const c = cur.order;
    if (!supersedes(o, c, cur.seen.has(version))) return;
    cur.seen.add(version);
    cur.order = decorate({
      ...o,
      connectionId,
      // Some brokers omit our id on updates; keep the one we sent.
      clientOrderId: o.clientOrderId !== '' ? o.clientOrderId : c.clientOrderId,
      createdAt: Math.min(c.createdAt, o.createdAt),
    });
    if (c.status !== o.status) this.logStatus(connectionId, o, c.status);
    // Reported again: a later resync that misses it alerts anew.
    this.unreported.delete(key);
    this.changes.orders.add(key);
    this.touched();
    this.events.emit({ type: 'order', order: cur.order, previous: c });
  }

  /**
   * A request the terminal sent on a working order and the broker has not answered yet: shown
   * on the order until the broker's next report (which carries none) or the desk clears it. Not
   * a broker version, so it bypasses version ordering and never blocks the broker's next report.
   */
  setPendingAction(connectionId: string, orderId: string, action: PendingAction | null): void {
    const key = `${connectionId}:${orderId}`;
    const cur = this.orderMap.get(key);
    if (cur === undefined || (cur.order.pendingAction ?? null) === action) return;
    const previous = cur.order;
    const { pendingAction: _drop, ...rest } = previous;
    cur.order = action === null ? rest : { ...rest, pendingAction: action };
    this.changes.orders.add(key);
    this.touched();
    this.events.emit({ type: 'order', order: cur.order, previous });
  }

  /**
   * Takes one order row out (the desk's placeholder, replaced by the broker's order or refused):
   * the stream lists it as removed. Broker orders are never forgotten this way.
   */
  forgetOrder(connectionId: string, orderId: string): void {
    const key = `${connectionId}:${orderId}`;
    if (!this.orderMap.delete(key)) return;
    this.unreported.delete(key);
    this.changes.orders.delete(key);
    this.changes.removed.orders.add(key);
    this.touched();
    this.events.emit({ type: 'orderRemoved', connectionId, orderId });
  }

  /** Raises (or updates, by id) an alert; it stays in the snapshot until settled and acknowledged. */
  raiseAlert(alert: Alert): void {
    this.alertBook.delete(alert.id);
    // Settled (cleared and seen) alerts leave the state; the batch still carries the update.
    if (alert.active || !alert.acknowledged) this.alertBook.set(alert.id, alert);
    this.trimAlerts();
    this.changes.alerts.push(alert);
    this.touched();
    this.events.emit({ type: 'alert', alert });
  }

  /** The trader has seen the alert; once its condition has also cleared it leaves the snapshot. */
  acknowledgeAlert(id: string): boolean {
    const a = this.alertBook.get(id);
    if (a === undefined) return false;
    const next = { ...a, acknowledged: true };
    if (next.active) this.alertBook.set(id, next);
    else this.alertBook.delete(id);
    this.changes.alerts.push(next);
    this.touched();
    return true;
  }

  /** Alerts still active or unacknowledged, oldest first. */
  alerts(): Alert[] {
    return [...this.alertBook.values()];
  }

  private trimAlerts(): void {
    if (this.alertBook.size <= MAX_ALERTS) return;
    // Settled-but-unread ones go before active ones: an active condition is still happening.
    for (const [id, a] of this.alertBook) {
      if (this.alertBook.size <= MAX_ALERTS) return;
      if (!a.active) this.alertBook.delete(id);
    }
    for (const id of this.alertBook.keys()) {
      if (this.alertBook.size <= MAX_ALERTS) return;
      this.alertBook.delete(id);
    }
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

  /**
   * Apply one execution once. `reconciledTo` marks a fill synthesized by reconciliation: it books
   * the order up to that filled quantity. A real fill moves the position only by the part of the
   * order's quantity not booked yet, so a late real fill for executions reconciliation already
   * booked adds its fee and its row, never its quantity a second time.
   */
  private applyFill(connectionId: string, f: Fill, reconciledTo?: number): boolean {
    const key = `${connectionId}:${f.id}`;
    if (this.fillIds.has(key)) return false;
    const ok = `${connectionId}:${f.orderId}`;
    let t = this.fillTotals.get(ok);
    if (t === undefined) {
      t = newFillTotals(connectionId);
      this.fillTotals.set(ok, t);
    } else if (t.forgotten > 0 && reconciledTo === undefined) {
      // Some of this order's ids were forgotten. Once the order is finished and fully booked no
      // execution can follow, so an unknown id is a replay, not a fill.
      const o = this.orderMap.get(ok)?.order;
      if (o !== undefined && isOrderDone(o.status) && t.bookedQty >= o.filledQty) {
        this.log?.warn(
          { connectionId, orderId: f.orderId, execId: f.id, qty: f.qty },
          'fill for a finished, fully booked order ignored (replay of a forgotten execution)',
        );
        return false;
      }
    }
    this.rememberExec(key, ok);
    const fill = f.connectionId === connectionId ? f : { ...f, connectionId };
    let booked: number;
    if (reconciledTo !== undefined) {
      booked = f.qty;
      t.synthetic.push({ fill, from: t.bookedQty, to: reconciledTo });
      t.reconciledTo = Math.max(t.reconciledTo, reconciledTo);
    } else {
      t.realQty = cleanQty(t.realQty + f.qty);
      booked = Math.max(0, cleanQty(Math.max(t.realQty, t.reconciledTo) - t.bookedQty));
      if (booked < f.qty)
        this.log?.info(
          { connectionId, orderId: f.orderId, execId: f.id, qty: f.qty, booked },
          'late fill already booked by reconciliation: only the remainder moves the position',
        );
    }
    t.bookedQty = cleanQty(t.bookedQty + booked);
    t.bookedNotional += booked * f.price;
    this.recentFills.push(fill);
    if (this.recentFills.length > RECENT_FILLS)
      this.recentFills.splice(0, this.recentFills.length - RECENT_FILLS);
    this.changes.fills.push(fill);
    if (reconciledTo === undefined) settleSyntheticFills(t, this.recentFills, this.changes, this.log);
    this.ensureAccount(connectionId, f.accountId);
    const s = this.ensurePosition(connectionId, f.accountId, f.symbol);
    s.p.fees += f.commission;
    if (!this.reportsPositions.has(connectionId) && booked > 0) {
      foldFill(s.p, f.side, booked, f.price);
      this.markPosition(s);
    }
    this.changes.positions.add(s.p.key);
    this.recomputeAccount(connectionId, f.accountId);
    this.touched();
    this.events.emit({ type: 'fill', fill });
    if (booked > 0 || this.reportsPositions.has(connectionId))
      this.events.emit({ type: 'position', position: s.p });
    return true;
  }

  /** Remember an execution id; past the bound, the oldest is forgotten (counted on its order). */
  private rememberExec(execKey: string, orderKey: string): void {
    this.fillIds.set(execKey, orderKey);
    if (this.fillIds.size <= this.maxExecIds) return;
    const oldest = this.fillIds.keys().next();
    if (oldest.done === true) return;
    const forgottenOrder = this.fillIds.get(oldest.value);
    this.fillIds.delete(oldest.value);
    if (forgottenOrder === undefined) return;
    const ft = this.fillTotals.get(forgottenOrder);
    if (ft !== undefined) ft.forgotten++;
  }

  private markPosition(s: PositionState): void {
    const p = s.p;
    const q = this.quoteMap.get(`${p.connectionId}:${p.symbol}`);
    if (q !== undefined) {
      s.liveMark = true;
      p.last = markOf(q);
      p.markSource = markSourceOf(q);
      p.markedAt = q.receivedAt;
    }
    p.unrealizedPnl = markedUnrealized(p);
  }

  private remark(s: PositionState, multiplier: number): void {
    s.p.multiplier = multiplier;
    this.markPosition(s);
    this.changes.positions.add(s.p.key);
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
        markSource: null,
      },
      accountKey: `${connectionId}:${accountId}`,
      liveMark: false,
    };
    this.positionMap.set(key, s);
    this.slot(connectionId, symbol).positions.push(s);
    pushTo(this.positionsByAccount, s.accountKey, s);
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
    if (rp.costPartial === true && rp.qty !== 0) p.costPartial = true;
    else delete p.costPartial;
    if (!s.liveMark) {
      // Until our own quote arrives the broker's mark is the best we have; its time shows its age.
      p.last = rp.mark;
      p.markSource = rp.mark === null ? null : 'broker';
      p.markedAt = rp.mark === null ? null : (rp.markedAt ?? this.now());
    }
    p.unrealizedPnl = markedUnrealized(p);
    this.changes.positions.add(p.key);
    this.recomputeAccount(connectionId, rp.accountId);
    this.touched();
    this.events.emit({ type: 'position', position: p });
  }

  private ensureAccount(connectionId: string, accountId: string, currency = 'USD'): AccountState {
    const key = `${connectionId}:${accountId}`;
    let s = this.accountMap.get(key);
    if (s !== undefined) return s;
    s = newAccountState(
      connectionId,
      accountId,
      this.modes.get(connectionId) ?? this.healthMap.get(connectionId)?.mode ?? 'live',
      currency,
      // A new account is unverified until its connection has reconciled a snapshot.
      this.verifiedConnections.has(connectionId),
    );
    this.accountMap.set(key, s);
    this.changes.accounts.add(key);
    return s;
  }

  private applyAccount(connectionId: string, ra: ReportedAccount): void {
    const s = this.ensureAccount(connectionId, ra.accountId, ra.currency);
    s.a.name = ra.name;
    s.a.currency = ra.currency;
    s.a.cash = ra.cash;
    if (ra.spot === true && !s.spot) {
      // The day restarts from cash and holdings, not from a cash-only figure taken before.
      s.spot = true;
      s.startOfDayEquity = null;
    }
    if (ra.startOfDayEquity !== undefined) s.startOfDayEquity = ra.startOfDayEquity;
    // A spot account's day starts from cash and holdings once they are marked (accountTotals).
    else if (s.startOfDayEquity === null && !s.spot) s.startOfDayEquity = ra.equity ?? ra.cash;
    const unrealized = this.sumUnrealized(connectionId, ra.accountId);
    s.reportedEquity = ra.equity ?? null;
    s.reportedDayPnl = ra.dayPnl ?? null;
    s.unrealizedAtReport = unrealized;
    this.recomputeAccount(connectionId, ra.accountId);
    this.changes.accounts.add(`${connectionId}:${ra.accountId}`);
    this.touched();
  }

  private sumUnrealized(connectionId: string, accountId: string): number {
    return sumUnrealized(this.positionsByAccount.get(`${connectionId}:${accountId}`));
  }

  /** The account's totals depend on its positions: recompute them before the next read. */
  private recomputeAccount(connectionId: string, accountId: string): void {
    this.staleAccounts.add(`${connectionId}:${accountId}`);
  }

  private settleAccounts(): void {
    if (this.staleAccounts.size === 0) return;
    for (const key of this.staleAccounts) this.settleAccount(key);
    this.staleAccounts.clear();
  }

  private settleAccount(key: string): void {
    const s = this.accountMap.get(key);
    if (s === undefined) return;
    settleAccountTotals(s, this.positionsByAccount.get(key));
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
    if (this.events.has('verified')) {
      this.settleAccounts();
      const accounts = [...this.accountMap.values()]
        .filter((s) => s.a.connectionId === connectionId)
        .map((s) => s.a);
      this.events.emit({ type: 'verified', connectionId, verified, accounts });
    }
  }

  /** Reconcile a broker snapshot taken after (re)connect, then mark the connection's accounts verified. */
  private applyResync(connectionId: string, snap: ResyncSnapshot): void {
    for (const a of snap.accounts) this.applyAccount(connectionId, a);
    let ordersChanged = 0;
    const listed = new Set<string>();
    for (const o of snap.orders) {
      const key = `${connectionId}:${o.id}`;
      listed.add(key);
      this.unreported.delete(key);
      const before = this.orderMap.get(key)?.order;
      this.applyOrder(connectionId, o);
      if (this.orderMap.get(key)?.order !== before) ordersChanged++;
    }
    const unreported = this.flagUnreportedOrders(connectionId, listed);
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
      // The snapshot's equity and day P&L already include these positions' marks: measure our
      // drift from them, not from before they were applied (that counted them twice).
      for (const a of snap.accounts) {
        const s = this.accountMap.get(`${connectionId}:${a.accountId}`);
        if (s === undefined) continue;
        s.unrealizedAtReport = this.sumUnrealized(connectionId, a.accountId);
        this.recomputeAccount(connectionId, a.accountId);
      }
    } else {
      synthesized = this.synthesizeMissedFills(connectionId);
    }
    this.setVerified(connectionId, true);
    this.log?.info({ connectionId, ordersChanged, fillsAdded, synthesized, unreported }, 'resync reconciled');
  }

  /**
   * An order still open here that the broker's snapshot does not list: the snapshot does not say
   * how it ended, so inventing a terminal status would be a guess. It stays as last reported and
   * the trader is alerted (once per order until the broker lists it again) to check it.
   */
  private flagUnreportedOrders(connectionId: string, listed: ReadonlySet<string>): number {
    let n = 0;
    for (const [key, o] of unlistedOpenOrders(this.orderMap, connectionId, listed)) {
      n++;
      if (this.unreported.has(key)) continue;
      this.unreported.add(key);
      const ts = this.now();
      this.log?.warn(
        { connectionId, orderId: o.id, clientOrderId: o.clientOrderId, status: o.status },
        'open order not reported by broker after reconnect',
      );
      this.raiseAlert(unreportedOrderAlert(connectionId, key, o, ts));
    }
    return n;
  }

  /**
   * An order whose reported filled quantity exceeds the fills we hold had executions we never
   * saw: book the difference (see `missedFills`), so positions and P&L match the broker.
   */
  private synthesizeMissedFills(connectionId: string): number {
    let n = 0;
    for (const { fill, reconciledTo } of missedFills(this.orderMap, this.fillTotals, connectionId)) {
      this.applyFill(connectionId, fill, reconciledTo);
      this.log?.warn(
        { connectionId, orderId: fill.orderId, qty: fill.qty, price: fill.price },
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
    this.events.emit({ type: 'health', health: h });
  }
}

function pushTo<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}
