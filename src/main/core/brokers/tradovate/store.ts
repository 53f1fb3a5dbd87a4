/**
 * Tradovate's entity graph, joined into the terminal's shapes. An order is spread over several
 * entities (`order` for status and links, `orderVersion` for quantity and prices, `command` for our
 * `clOrdId`, `fill`s for what executed), arriving in no documented order; a position is one entity
 * per account and contract; symbols, tick size and value per point come from `contract` →
 * `contractMaturity` → `product`. The store keeps the latest of each (translation state, not a
 * second ledger) and reports what changed once a whole frame has been read.
 *
 * Duplicate prevention (seed 000): positions are keyed by account and contract and reported as
 * the broker's net position, so a replayed or re-synced position replaces itself; fills are keyed
 * by their id; an order is emitted only when its state key
 * `${ordStatus}-${price}-${filledQty}-${qty}` changed.
 */
import type { Fill, Instrument, Order, OrderStatus, OrderType, TimeInForce } from '../../../../shared/domain';
import type { ConnectionEvent, ReportedAccount, ReportedPosition, ResyncSnapshot } from '../../connection';
import type { SupervisorLogger } from '../../supervisor/supervisor';
import { OutOfOrderGate } from '../kit/gate';
import {
  AccountEntity,
  CashBalanceEntity,
  CommandEntity,
  CommandReportEntity,
  ContractEntity,
  ExecutionReportEntity,
  FillEntity,
  MaturityEntity,
  OrderEntity,
  OrderVersionEntity,
  PositionEntity,
  ProductEntity,
  type SyncMessage,
} from './messages';

interface ContractInfo {
  name: string;
  maturityId: string;
}

export type ApplyResult = 'applied' | 'unknown-type' | 'malformed';

export class TradovateStore {
  readonly contracts = new Map<string, ContractInfo>();
  private readonly maturities = new Map<string, string>();
  private readonly products = new Map<string, ProductEntity>();
  private readonly accounts = new Map<string, AccountEntity>();
  private readonly cash = new Map<string, CashBalanceEntity>();
  private readonly orders = new Map<string, OrderEntity>();
  private readonly versions = new Map<string, OrderVersionEntity>();
  private readonly clOrdOf = new Map<string, string>();
  private readonly orderOfClOrd = new Map<string, string>();
  private readonly orderOfCommand = new Map<string, string>();
  private readonly rejectOf = new Map<string, string>();
  private readonly touchedAt = new Map<string, number>();
  private readonly fills = new Map<string, FillEntity>();
  private readonly fillsOfOrder = new Map<string, Set<string>>();
  private readonly positions = new Map<string, PositionEntity>();
  private readonly emittedKey = new Map<string, string>();
  private readonly emittedFills = new Set<string>();
  private readonly emittedInstruments = new Set<string>();
  private readonly positionGate = new OutOfOrderGate();
  private dirtyOrders = new Set<string>();
  private dirtyPositions = new Set<string>();
  private dirtyAccounts = new Set<string>();
  private newFills: string[] = [];
  /** Something changed since the last `drain` (quotes never touch the store: frames of them cost nothing here). */
  private changed = true;
  /** Symbols with an open position (kept subscribed for marks). */
  readonly heldSymbols = new Set<string>();

  constructor(
    private readonly connectionId: string,
    private readonly logger: SupervisorLogger,
  ) {}

  // ---- reference data ------------------------------------------------------------------------

  addContract(c: ContractEntity): void {
    this.changed = true;
    this.contracts.set(c.id, { name: c.name, maturityId: c.contractMaturityId });
  }

  addMaturity(m: MaturityEntity): void {
    this.changed = true;
    this.maturities.set(m.id, m.productId);
  }

  addProduct(p: ProductEntity): void {
    this.changed = true;
    this.products.set(p.id, p);
  }

  contractIdOf(symbol: string): string | undefined {
    for (const [id, c] of this.contracts) if (c.name === symbol) return id;
    return undefined;
  }

  symbolOf(contractId: string): string | undefined {
    return this.contracts.get(contractId)?.name;
  }

  /** What is missing to describe this contract: its maturity id, its product id, or nothing. */
  missingFor(contractId: string): { kind: 'contract' | 'maturity' | 'product'; id: string } | null {
    const c = this.contracts.get(contractId);
    if (c === undefined) return { kind: 'contract', id: contractId };
    const productId = this.maturities.get(c.maturityId);
    if (productId === undefined) return { kind: 'maturity', id: c.maturityId };
    if (!this.products.has(productId)) return { kind: 'product', id: productId };
    return null;
  }

  instrument(contractId: string): Instrument | null {
    const c = this.contracts.get(contractId);
    const productId = c === undefined ? undefined : this.maturities.get(c.maturityId);
    const p = productId === undefined ? undefined : this.products.get(productId);
    if (c === undefined || p === undefined) return null;
    return {
      symbol: c.name,
      name: p.description ?? p.name,
      assetClass: 'future',
      tickSize: p.tickSize,
      // The broker's value per point (MES 5, ES 50): never a table of our own.
      multiplier: p.valuePerPoint,
      currency: 'USD',
      qtyStep: 1,
      pricePrecision: decimalsOf(p.tickSize),
      connectionId: this.connectionId,
    };
  }

  /** Contracts referenced by state but not yet described (to fetch before emitting). */
  unresolved(): Set<string> {
    const ids = new Set<string>();
    for (const o of this.orders.values()) if (this.missingFor(o.contractId) !== null) ids.add(o.contractId);
    for (const p of this.positions.values())
      if (this.missingFor(p.contractId) !== null) ids.add(p.contractId);
    for (const f of this.fills.values()) if (this.missingFor(f.contractId) !== null) ids.add(f.contractId);
    return ids;
  }

  // ---- sync and props ------------------------------------------------------------------------

  /** A `user/syncrequest` answer: the complete picture replaces what we had. */
  loadSync(s: SyncMessage): void {
    this.changed = true;
    this.accounts.clear();
    this.cash.clear();
    this.orders.clear();
    this.versions.clear();
    this.fills.clear();
    this.fillsOfOrder.clear();
    this.positions.clear();
    this.positionGate.clear();
    for (const c of s.contracts) this.addContract(c);
    for (const m of s.contractMaturities) this.addMaturity(m);
    for (const p of s.products) this.addProduct(p);
    for (const a of s.accounts) this.accounts.set(a.id, a);
    for (const c of s.cashBalances) this.cash.set(c.accountId, c);
    for (const o of s.orders) this.putOrder(o);
    for (const v of s.orderVersions) this.putVersion(v);
    for (const c of s.commands) this.putCommand(c);
    for (const r of s.commandReports) this.putCommandReport(r);
    for (const r of s.executionReports) this.putExecutionReport(r);
    for (const f of s.fills) this.putFill(f);
    for (const p of s.positions) {
      this.positionGate.fresh(positionKey(p), p.timestamp);
      this.positions.set(positionKey(p), p);
    }
    this.dirtyOrders.clear();
    this.dirtyPositions.clear();
    this.dirtyAccounts.clear();
    this.newFills = [];
  }

  /** One entity of a `props` event. */
  apply(entityType: string, eventType: string, raw: unknown): ApplyResult {
    this.changed = true;
    const parse = <T>(schema: {
      safeParse(v: unknown): { success: true; data: T } | { success: false };
    }): T | null => {
      const r = schema.safeParse(raw);
      return r.success ? r.data : null;
    };
    switch (entityType) {
      case 'order': {
        const o = parse(OrderEntity);
        if (o === null) return 'malformed';
        this.putOrder(o);
        return 'applied';
      }
      case 'orderVersion': {
        const v = parse(OrderVersionEntity);
        if (v === null) return 'malformed';
        this.putVersion(v);
        return 'applied';
      }
      case 'command': {
        const c = parse(CommandEntity);
        if (c === null) return 'malformed';
        this.putCommand(c);
        return 'applied';
      }
      case 'commandReport': {
        const r = parse(CommandReportEntity);
        if (r === null) return 'malformed';
        this.putCommandReport(r);
        return 'applied';
      }
      case 'executionReport': {
        const r = parse(ExecutionReportEntity);
        if (r === null) return 'malformed';
        this.putExecutionReport(r);
        return 'applied';
      }
      case 'fill': {
        const f = parse(FillEntity);
        if (f === null) return 'malformed';
        // A fill the broker voids (`active: false`, a trade bust) is not an execution we apply.
        if (f.active === false) return 'applied';
        this.putFill(f);
        return 'applied';
      }
      case 'position': {
        const p = parse(PositionEntity);
        if (p === null) return 'malformed';
        const key = positionKey(p);
        const next = eventType === 'Deleted' ? { ...p, netPos: 0 } : p;
        // Positions are cumulative: an older copy arriving late would roll the position back.
        if (!this.positionGate.fresh(key, p.timestamp)) return 'applied';
        this.positions.set(key, next);
        this.dirtyPositions.add(key);
        return 'applied';
      }
      case 'cashBalance': {
        const c = parse(CashBalanceEntity);
        if (c === null) return 'malformed';
        this.cash.set(c.accountId, c);
        this.dirtyAccounts.add(c.accountId);
        return 'applied';
      }
      case 'account': {
        const a = parse(AccountEntity);
        if (a === null) return 'malformed';
        this.accounts.set(a.id, a);
        this.dirtyAccounts.add(a.id);
        return 'applied';
      }
      case 'contract': {
        const c = parse(ContractEntity);
        if (c === null) return 'malformed';
        this.addContract(c);
        return 'applied';
      }
      case 'product': {
        const p = parse(ProductEntity);
        if (p === null) return 'malformed';
        this.addProduct(p);
        return 'applied';
      }
      // Known entity types the terminal does not show.
      case 'fillPair':
      case 'marginSnapshot':
      case 'accountRiskStatus':
      case 'orderStrategy':
      case 'orderStrategyLink':
      case 'userAccountAutoLiq':
      case 'userProperty':
      case 'userReadStatus':
      case 'contractMaturity':
        if (entityType === 'contractMaturity') {
          const m = parse(MaturityEntity);
          if (m !== null) this.addMaturity(m);
        }
        return 'applied';
      default:
        return 'unknown-type';
    }
  }

  private putOrder(o: OrderEntity): void {
    this.orders.set(o.id, o);
    this.touch(o.id, o.timestamp);
  }

  private putVersion(v: OrderVersionEntity): void {
    this.versions.set(v.orderId, v);
    this.dirtyOrders.add(v.orderId);
  }

  private putCommand(c: CommandEntity): void {
    this.orderOfCommand.set(c.id, c.orderId);
    if (c.clOrdId != null && c.clOrdId !== '' && (c.commandType == null || c.commandType === 'New')) {
      this.clOrdOf.set(c.orderId, c.clOrdId);
      this.orderOfClOrd.set(c.clOrdId, c.orderId);
    }
    this.touch(c.orderId, c.timestamp ?? 0);
  }

  private putCommandReport(r: z_CommandReport): void {
    const orderId = this.orderOfCommand.get(r.commandId);
    if (orderId === undefined) return;
    if (
      r.rejectReason != null ||
      r.commandStatus === 'RiskRejected' ||
      r.commandStatus === 'ExecutionRejected'
    ) {
      this.rejectOf.set(orderId, [r.rejectReason, r.text].filter((x) => x != null && x !== '').join(': '));
      this.touch(orderId, r.timestamp ?? 0);
    }
  }

  private putExecutionReport(r: z_ExecutionReport): void {
    if (r.rejectReason != null || r.execType === 'Rejected')
      this.rejectOf.set(r.orderId, [r.rejectReason, r.text].filter((x) => x != null && x !== '').join(': '));
    this.touch(r.orderId, r.timestamp);
  }

  private putFill(f: FillEntity): void {
    if (this.fills.has(f.id)) return;
    this.fills.set(f.id, f);
    let set = this.fillsOfOrder.get(f.orderId);
    if (set === undefined) this.fillsOfOrder.set(f.orderId, (set = new Set()));
    set.add(f.id);
    this.newFills.push(f.id);
    this.touch(f.orderId, f.timestamp);
  }

  private touch(orderId: string, ts: number): void {
    this.touchedAt.set(orderId, Math.max(this.touchedAt.get(orderId) ?? 0, ts));
    this.dirtyOrders.add(orderId);
  }

  // ---- views ---------------------------------------------------------------------------------

  /** The terminal's view of one order, or null while a part is missing (its version, its contract). */
  orderView(orderId: string): Order | null {
    const o = this.orders.get(orderId);
    const v = this.versions.get(orderId);
    const symbol = o === undefined ? undefined : this.symbolOf(o.contractId);
    if (o === undefined || v === undefined || symbol === undefined || !(v.orderQty > 0)) return null;
    let filledQty = 0;
    let notional = 0;
    for (const id of this.fillsOfOrder.get(orderId) ?? []) {
      const f = this.fills.get(id);
      if (f === undefined) continue;
      filledQty += f.qty;
      notional += f.qty * f.price;
    }
    const type = orderTypeOf(v.orderType);
    const status = statusOf(o.ordStatus, filledQty, v.orderQty);
    const tick = this.instrument(o.contractId)?.tickSize ?? null;
    const order: Order = {
      id: o.id,
      clientOrderId: this.clOrdOf.get(o.id) ?? `tradovate-${o.id}`,
      connectionId: this.connectionId,
      accountId: o.accountId,
      symbol,
      side: o.action === 'Buy' ? 'buy' : 'sell',
      type,
      tif: tifOf(v.timeInForce),
      qty: v.orderQty,
      filledQty,
      avgFillPrice: filledQty > 0 ? notional / filledQty : null,
      limitPrice: type === 'limit' || type === 'stop_limit' ? (v.price ?? null) : null,
      stopPrice:
        type === 'stop' || type === 'stop_limit' || type === 'trailing_stop' ? (v.stopPrice ?? null) : null,
      status,
      rejectReason:
        status === 'rejected' ? (this.rejectOf.get(o.id) ?? v.text ?? 'rejected by Tradovate') : null,
      heldBy: 'broker',
      createdAt: o.timestamp,
      updatedAt: this.touchedAt.get(o.id) ?? o.timestamp,
    };
    if (type === 'trailing_stop') {
      const offset = Math.abs(v.pegDifference ?? 0);
      order.trail = {
        by: 'amount',
        offset: offset > 0 ? offset : (tick ?? 1),
        activationPrice: null,
        stopPrice: v.stopPrice ?? null,
        peak: null,
        activated: true,
      };
    }
    if (o.ocoId != null) {
      order.list = { id: `oco-${o.ocoId}`, type: 'oco', role: 'leg' };
      const siblings = [...this.orders.values()]
        .filter((x) => x.ocoId === o.ocoId && x.id !== o.id)
        .map((x) => x.id);
      if (siblings.length > 0) order.siblingIds = siblings;
    }
    if (o.parentId != null) {
      order.parentId = o.parentId;
      order.list = { id: `oso-${o.parentId}`, type: 'bracket', role: type === 'limit' ? 'target' : 'stop' };
    } else if ([...this.orders.values()].some((x) => x.parentId === o.id)) {
      order.list = { id: `oso-${o.id}`, type: 'bracket', role: 'entry' };
    }
    return order;
  }

  /** Our client order id for an order found by lookup (its `command` came from REST, not the stream). */
  noteClientOrderId(orderId: string, clientOrderId: string): void {
    this.clOrdOf.set(orderId, clientOrderId);
    this.orderOfClOrd.set(clientOrderId, orderId);
  }

  orderIdOfClientId(clientOrderId: string): string | undefined {
    return this.orderOfClOrd.get(clientOrderId);
  }

  /** The account's Tradovate name (`accountSpec` in order bodies). */
  accountName(accountId: string): string | undefined {
    return this.accounts.get(accountId)?.name;
  }

  private fillView(f: FillEntity): Fill | null {
    const symbol = this.symbolOf(f.contractId);
    const accountId = this.orders.get(f.orderId)?.accountId ?? this.onlyAccount();
    if (symbol === undefined || accountId === undefined || !(f.qty > 0)) return null;
    return {
      id: f.id,
      orderId: f.orderId,
      connectionId: this.connectionId,
      accountId,
      symbol,
      side: f.action === 'Buy' ? 'buy' : 'sell',
      qty: f.qty,
      price: f.price,
      commission: 0,
      ts: f.timestamp,
    };
  }

  private positionView(p: PositionEntity): ReportedPosition | null {
    const symbol = this.symbolOf(p.contractId);
    if (symbol === undefined) return null;
    return {
      accountId: p.accountId,
      symbol,
      qty: p.netPos,
      avgPrice: p.netPos === 0 ? 0 : (p.netPrice ?? 0),
      // Never `prevPrice`: it is yesterday's settlement and froze seed 000's P&L. Marks come from quotes.
      mark: null,
      markedAt: null,
    };
  }

  private accountView(accountId: string): ReportedAccount | null {
    const a = this.accounts.get(accountId);
    const c = this.cash.get(accountId);
    if (a === undefined && c === undefined) return null;
    return { accountId, name: a?.name ?? `Tradovate ${accountId}`, currency: 'USD', cash: c?.amount ?? 0 };
  }

  private onlyAccount(): string | undefined {
    return this.accounts.size === 1 ? this.accounts.keys().next().value : undefined;
  }

  /** Everything as a resync snapshot (after `loadSync`). */
  snapshot(): ResyncSnapshot {
    const orders: Order[] = [];
    for (const id of this.orders.keys()) {
      const o = this.orderView(id);
      if (o === null) continue;
      orders.push(o);
      this.noteEmitted(o);
    }
    const fills: Fill[] = [];
    for (const f of this.fills.values()) {
      const v = this.fillView(f);
      if (v !== null) fills.push(v);
      this.emittedFills.add(f.id);
    }
    const positions: ReportedPosition[] = [];
    this.heldSymbols.clear();
    for (const p of this.positions.values()) {
      const v = this.positionView(p);
      if (v === null) continue;
      if (v.qty !== 0) this.heldSymbols.add(v.symbol);
      positions.push(v);
    }
    const accounts: ReportedAccount[] = [];
    for (const id of new Set([...this.accounts.keys(), ...this.cash.keys()])) {
      const a = this.accountView(id);
      if (a !== null) accounts.push(a);
    }
    return { accounts, orders, fills, positions };
  }

  /** Instruments of every described contract not reported yet. */
  newInstruments(): Instrument[] {
    const out: Instrument[] = [];
    for (const id of this.contracts.keys()) {
      if (this.emittedInstruments.has(id)) continue;
      const inst = this.instrument(id);
      if (inst === null) continue;
      this.emittedInstruments.add(id);
      out.push(inst);
    }
    return out;
  }

  /** The events a frame's entities add up to: instruments, orders, fills, positions, accounts. */
  get hasChanges(): boolean {
    return this.changed;
  }

  drain(): ConnectionEvent[] {
    if (!this.changed) return [];
    this.changed = false;
    const out: ConnectionEvent[] = [];
    for (const instrument of this.newInstruments()) out.push({ type: 'instrument', instrument });
    const keepOrders = new Set<string>();
    for (const id of this.dirtyOrders) {
      const o = this.orderView(id);
      if (o === null) {
        keepOrders.add(id);
        continue;
      }
      const key = `${o.status}-${o.limitPrice ?? o.stopPrice ?? ''}-${o.filledQty}-${o.qty}`;
      if (this.emittedKey.get(id) === key) continue;
      this.logStatus(o);
      this.noteEmitted(o, key);
      out.push({ type: 'order', order: o });
    }
    this.dirtyOrders = keepOrders;
    const keepFills: string[] = [];
    for (const id of this.newFills) {
      const f = this.fills.get(id);
      if (f === undefined || this.emittedFills.has(id)) continue;
      const v = this.fillView(f);
      if (v === null) {
        keepFills.push(id);
        continue;
      }
      this.emittedFills.add(id);
      out.push({ type: 'fill', fill: v });
    }
    this.newFills = keepFills;
    const keepPositions = new Set<string>();
    for (const key of this.dirtyPositions) {
      const p = this.positions.get(key);
      const v = p === undefined ? null : this.positionView(p);
      if (v === null) {
        keepPositions.add(key);
        continue;
      }
      if (v.qty !== 0) this.heldSymbols.add(v.symbol);
      else this.heldSymbols.delete(v.symbol);
      out.push({ type: 'position', position: v });
    }
    this.dirtyPositions = keepPositions;
    for (const id of this.dirtyAccounts) {
      const a = this.accountView(id);
      if (a !== null) out.push({ type: 'account', account: a });
    }
    this.dirtyAccounts.clear();
    return out;
  }

  private readonly lastStatus = new Map<string, OrderStatus>();

  private noteEmitted(
    o: Order,
    key = `${o.status}-${o.limitPrice ?? o.stopPrice ?? ''}-${o.filledQty}-${o.qty}`,
  ): void {
    this.emittedKey.set(o.id, key);
    this.lastStatus.set(o.id, o.status);
  }

  private logStatus(o: Order): void {
    const from = this.lastStatus.get(o.id) ?? null;
    if (from === o.status) return;
    this.logger.info(
      {
        connectionId: this.connectionId,
        orderId: o.id,
        from,
        to: o.status,
        at: new Date(o.updatedAt).toISOString(),
      },
      'order status',
    );
  }
}

type z_CommandReport = ReturnType<typeof CommandReportEntity.parse>;
type z_ExecutionReport = ReturnType<typeof ExecutionReportEntity.parse>;

function positionKey(p: PositionEntity): string {
  return `${p.accountId}:${p.contractId}`;
}

function decimalsOf(step: number): number {
  const s = String(step);
  const i = s.indexOf('.');
  return i < 0 ? 0 : Math.min(10, s.length - i - 1);
}

export function orderTypeOf(t: string): OrderType {
  switch (t) {
    case 'Limit':
    case 'MIT':
      return 'limit';
    case 'Stop':
      return 'stop';
    case 'StopLimit':
      return 'stop_limit';
    case 'TrailingStop':
    case 'TrailingStopLimit':
      return 'trailing_stop';
    default:
      return 'market';
  }
}

function tifOf(t: string | null | undefined): TimeInForce {
  if (t === 'GTC' || t === 'GTD') return 'gtc';
  if (t === 'IOC' || t === 'FOK') return 'ioc';
  return 'day';
}

export function statusOf(ordStatus: string, filledQty: number, qty: number): OrderStatus {
  switch (ordStatus) {
    case 'PendingNew':
    case 'Suspended':
      // Bracket legs sit Suspended at the broker until their entry fills.
      return 'pending';
    case 'Working':
    case 'PendingCancel':
    case 'PendingReplace':
      return filledQty > 0 && filledQty < qty ? 'partially_filled' : 'working';
    case 'Filled':
    case 'Completed':
      return 'filled';
    case 'Canceled':
      return 'cancelled';
    case 'Expired':
      return 'expired';
    case 'Rejected':
      return 'rejected';
    default:
      return 'unknown';
  }
}
