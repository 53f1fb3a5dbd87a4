/**
 * One Tradovate account as the broker's entity system sees it: the simulator's `SimAccount`
 * (trading at the shared venue) translated into `order`, `orderVersion`, `command`,
 * `executionReport`, `fill`, `position` and `cashBalance` entities with integer ids, and into the
 * `props` events that announce their changes. The entities one action causes are collected into
 * one burst, so a protocol can send them in one `a[...]` frame in no fixed order (brokers.md §1.8).
 */
import type { AccountEvent, SimAccount, SimOrder } from '../account';
import type { Venue } from '../market';
import { contractEntity, maturityEntity, productEntity, type SimFuture } from './contracts';

export type Entity = Record<string, unknown> & { id: number };

export interface PropsEvent {
  entityType: string;
  eventType: 'Created' | 'Updated' | 'Deleted';
  entity: Entity;
}

/** What the order endpoints pass along with a placement: fields the shared book has no slot for. */
export interface PlacementMeta {
  clOrdId: string | null;
  orderType: string;
  pegDifference: number | null;
  timeInForce: string;
  text: string | null;
}

interface PositionTotals {
  bought: number;
  boughtValue: number;
  sold: number;
  soldValue: number;
  prevPos: number;
}

export interface BookIdentity {
  accountId: number;
  accountName: string;
  userId: number;
}

/** Integer ids in one sequence, as Tradovate hands them out across entity types. */
let nextEntityId = 601_683_390_000;
function entityId(): number {
  return nextEntityId++;
}

function tradeDate(ts: number): { year: number; month: number; day: number } {
  const d = new Date(ts);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

function iso(ts: number): string {
  return new Date(ts).toISOString();
}

export function ordStatusOf(o: Pick<SimOrder, 'status'>): string {
  switch (o.status) {
    case 'pending':
      // Bracket legs wait at the broker until the entry fills (captured demo traffic).
      return 'Suspended';
    case 'working':
    case 'partially_filled':
      return 'Working';
    case 'filled':
      return 'Filled';
    case 'cancelled':
      return 'Canceled';
    case 'expired':
      return 'Expired';
  }
}

export class TradovateBook {
  readonly orders = new Map<number, Entity>();
  /** Latest version per order id. */
  readonly versions = new Map<number, Entity>();
  readonly commands = new Map<number, Entity>();
  readonly fills = new Map<number, Entity>();
  readonly executionReports = new Map<number, Entity>();
  /** By contract id: one position entity per contract, ever (its id never changes). */
  readonly positions = new Map<number, Entity>();
  readonly cashBalance: Entity;
  private readonly totals = new Map<number, PositionTotals>();
  private readonly numOf = new Map<string, number>();
  private readonly simOf = new Map<number, string>();
  private readonly metaOf = new Map<number, PlacementMeta>();
  private readonly ocoIds = new Map<string, number>();
  private pendingMeta: PlacementMeta[] = [];
  /** Placed orders whose list links (OCO partner, bracket parent) the shared book sets after announcing them. */
  private unsettled: { o: SimOrder; entity: Entity }[] = [];
  private burst: PropsEvent[] = [];
  private readonly listeners = new Set<(burst: PropsEvent[]) => void>();

  constructor(
    readonly account: SimAccount,
    private readonly venue: Venue,
    private readonly futuresByName: ReadonlyMap<string, SimFuture>,
    readonly identity: BookIdentity,
    private readonly now: () => number,
  ) {
    this.cashBalance = {
      id: entityId(),
      accountId: identity.accountId,
      timestamp: iso(now()),
      tradeDate: tradeDate(now()),
      currencyId: 1,
      amount: account.cash,
      realizedPnL: 0,
      weekRealizedPnL: 0,
      amountSOD: account.cash,
    };
    for (const [symbol, h] of account.holdings) this.seedPosition(symbol, h.qty, h.avgPrice);
    account.on((e) => this.onAccount(e));
  }

  on(listener: (burst: PropsEvent[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A position held since before the session (prevPos/prevPrice are yesterday's). */
  seedPosition(symbol: string, qty: number, avgPrice: number): void {
    const f = this.futuresByName.get(symbol);
    if (f === undefined) return;
    if (!this.account.holdings.has(symbol)) this.account.seedPosition(symbol, qty, avgPrice);
    const t: PositionTotals = {
      bought: qty > 0 ? qty : 0,
      boughtValue: qty > 0 ? qty * avgPrice : 0,
      sold: qty < 0 ? -qty : 0,
      soldValue: qty < 0 ? -qty * avgPrice : 0,
      prevPos: qty,
    };
    this.totals.set(f.contractId, t);
    this.positions.set(f.contractId, this.positionEntity(f, qty, avgPrice, this.now(), entityId()));
  }

  future(symbolOrId: string | number): SimFuture | undefined {
    if (typeof symbolOrId === 'string') return this.futuresByName.get(symbolOrId);
    for (const f of this.futuresByName.values()) if (f.contractId === symbolOrId) return f;
    return undefined;
  }

  /** The shared-book id of a Tradovate order id. */
  simId(orderId: number): string | undefined {
    return this.simOf.get(orderId);
  }

  numId(simId: string): number | undefined {
    return this.numOf.get(simId);
  }

  /** Say what the next placements (in `placed` order) carry beyond the shared order request. */
  expect(meta: PlacementMeta[]): void {
    this.pendingMeta.push(...meta);
  }

  /** Record a modify or cancel command (its id is the endpoint's answer). */
  command(orderId: number, commandType: 'Modify' | 'Cancel'): number {
    const c: Entity = {
      id: entityId(),
      orderId,
      timestamp: iso(this.now()),
      commandType,
      commandStatus: 'AtExecution',
      isAutomated: true,
    };
    this.commands.set(c.id, c);
    this.push('command', 'Created', c);
    this.flushSoon();
    return c.id;
  }

  /**
   * Give freshly placed orders their list links: the shared book announces an order before it
   * links OCO partners and bracket children, while Tradovate's order entity carries `ocoId` and
   * `parentId` from the start. Called after each placement and before each burst leaves.
   */
  settle(): void {
    const list = this.unsettled;
    this.unsettled = [];
    for (const { o, entity: order } of list) {
      if (o.parentId !== null) {
        const parent = this.numOf.get(o.parentId);
        if (parent !== undefined) order.parentId = parent;
      }
      if (o.ocoWith !== null) {
        const key = [o.id, o.ocoWith].sort().join('|');
        let ocoId = this.ocoIds.get(key);
        if (ocoId === undefined) {
          ocoId = entityId();
          this.ocoIds.set(key, ocoId);
        }
        order.ocoId = ocoId;
      }
    }
  }

  /** Contracts, maturities and products of everything this account holds or works. */
  referencedFutures(): SimFuture[] {
    const ids = new Set<number>([...this.positions.keys()]);
    for (const o of this.orders.values()) ids.add(o.contractId as number);
    return [...this.futuresByName.values()].filter((f) => ids.has(f.contractId));
  }

  /** The `user/syncrequest` snapshot of this account (brokers.md §1.8). */
  sync(user: Entity, account: Entity): Record<string, unknown> {
    const fs = this.referencedFutures();
    return {
      users: [user],
      accounts: [account],
      accountRiskStatuses: [],
      marginSnapshots: [],
      cashBalances: [this.cashBalance],
      currencies: [{ id: 1, name: 'USD', symbol: '$' }],
      positions: [...this.positions.values()],
      fillPairs: [],
      orders: [...this.orders.values()],
      contracts: fs.map(contractEntity),
      contractMaturities: fs.map(maturityEntity),
      products: fs.map(productEntity),
      exchanges: [{ id: 1, name: 'CME' }],
      commands: [...this.commands.values()],
      commandReports: [],
      executionReports: [...this.executionReports.values()],
      orderVersions: [...this.versions.values()],
      fills: [...this.fills.values()],
      orderStrategies: [],
      orderStrategyLinks: [],
      userProperties: [],
      properties: [],
      userPlugins: [],
      contractGroups: [{ id: 1, name: 'Futures' }],
      orderStrategyTypes: [],
    };
  }

  // ---- account events → entities -----------------------------------------------------------------

  private onAccount(e: AccountEvent): void {
    const ts = this.now();
    if (e.type === 'order') this.onOrder(e.order, e.change, ts);
    else if (e.type === 'fill') this.onFill(e.fill.id, e.order, e.fill.qty, e.fill.price, e.fill.ts || ts);
    else this.onPosition(e.symbol, e.qty, e.avgPrice, e.ts || ts);
    this.flushSoon();
  }

  private onOrder(o: SimOrder, change: string, ts: number): void {
    const f = this.futuresByName.get(o.symbol);
    if (f === undefined) return;
    if (change === 'placed') return this.onPlaced(o, f, ts);
    const id = this.numOf.get(o.id);
    const order = id === undefined ? undefined : this.orders.get(id);
    if (id === undefined || order === undefined) return;
    order.ordStatus = ordStatusOf(o);
    this.push('order', 'Updated', order);
    const v = this.versions.get(id);
    if (
      v !== undefined &&
      (change === 'amended' || change === 'stop_moved' || change === 'resized' || change === 'triggered')
    ) {
      const next: Entity = { ...v, id: change === 'amended' ? entityId() : v.id, orderQty: o.qty };
      if (o.limitPrice !== null) next.price = o.limitPrice;
      if (o.stopPrice !== null) next.stopPrice = o.stopPrice;
      this.versions.set(id, next);
      this.push('orderVersion', change === 'amended' ? 'Created' : 'Updated', next);
    }
    if (change === 'done' || change === 'activated') {
      const execType =
        change === 'activated' ? 'New' : order.ordStatus === 'Expired' ? 'Expired' : 'Canceled';
      this.report(order, f, execType, ts);
    }
  }

  private onPlaced(o: SimOrder, f: SimFuture, ts: number): void {
    const meta: PlacementMeta = this.pendingMeta.shift() ?? {
      clOrdId: o.clientOrderId,
      orderType: defaultOrderType(o),
      pegDifference: null,
      timeInForce: 'GTC',
      text: null,
    };
    const id = entityId();
    this.numOf.set(o.id, id);
    this.simOf.set(id, o.id);
    this.metaOf.set(id, meta);
    const order: Entity = {
      id,
      accountId: this.identity.accountId,
      contractId: f.contractId,
      timestamp: iso(ts),
      action: o.side === 'buy' ? 'Buy' : 'Sell',
      ordStatus: ordStatusOf(o),
      executionProviderId: 1,
      admin: false,
      // Undocumented extras seen in captured traffic: clients must ignore them.
      archived: false,
      external: false,
    };
    this.orders.set(id, order);
    this.unsettled.push({ o, entity: order });
    const command: Entity = {
      id: entityId(),
      orderId: id,
      timestamp: iso(ts),
      commandType: 'New',
      commandStatus: 'RiskPassed',
      isAutomated: true,
      ...(meta.clOrdId === null ? {} : { clOrdId: meta.clOrdId }),
    };
    this.commands.set(command.id, command);
    const version: Entity = {
      id: entityId(),
      orderId: id,
      orderQty: o.qty,
      orderType: meta.orderType,
      timeInForce: meta.timeInForce,
      ...(o.limitPrice === null ? {} : { price: o.limitPrice }),
      ...(o.stopPrice === null ? {} : { stopPrice: o.stopPrice }),
      ...(meta.pegDifference === null ? {} : { pegDifference: meta.pegDifference }),
      ...(meta.text === null ? {} : { text: meta.text }),
    };
    this.versions.set(id, version);
    this.push('command', 'Created', command);
    this.push('order', 'Created', order);
    this.push('orderVersion', 'Created', version);
    this.report(order, f, 'New', ts);
  }

  private onFill(simFillId: string, o: SimOrder, qty: number, price: number, ts: number): void {
    const f = this.futuresByName.get(o.symbol);
    const orderId = this.numOf.get(o.id);
    if (f === undefined || orderId === undefined) return;
    void simFillId;
    const fill: Entity = {
      id: entityId(),
      orderId,
      contractId: f.contractId,
      timestamp: iso(ts),
      tradeDate: tradeDate(ts),
      action: o.side === 'buy' ? 'Buy' : 'Sell',
      qty,
      price,
      active: true,
      finallyPaired: 0,
      external: false,
    };
    this.fills.set(fill.id, fill);
    const t = this.totals.get(f.contractId) ?? {
      bought: 0,
      boughtValue: 0,
      sold: 0,
      soldValue: 0,
      prevPos: 0,
    };
    if (o.side === 'buy') {
      t.bought += qty;
      t.boughtValue += qty * price;
    } else {
      t.sold += qty;
      t.soldValue += qty * price;
    }
    this.totals.set(f.contractId, t);
    this.push('fill', 'Created', fill);
    const order = this.orders.get(orderId);
    if (order !== undefined) {
      const er = this.report(order, f, 'Trade', ts);
      er.lastQty = qty;
      er.lastPx = price;
      er.cumQty = o.filledQty;
      er.avgPx = o.avgFillPrice;
    }
  }

  private onPosition(symbol: string, qty: number, avgPrice: number, ts: number): void {
    const f = this.futuresByName.get(symbol);
    if (f === undefined) return;
    const prev = this.positions.get(f.contractId);
    const p = this.positionEntity(f, qty, avgPrice, ts, prev?.id ?? entityId());
    this.positions.set(f.contractId, p);
    this.push('position', prev === undefined ? 'Created' : 'Updated', p);
    this.cashBalance.amount = this.account.cash;
    this.cashBalance.realizedPnL = this.account.realized;
    this.cashBalance.weekRealizedPnL = this.account.realized;
    this.cashBalance.timestamp = iso(ts);
    this.push('cashBalance', 'Updated', { ...this.cashBalance });
  }

  private positionEntity(f: SimFuture, qty: number, avgPrice: number, ts: number, id: number): Entity {
    const t = this.totals.get(f.contractId) ?? {
      bought: 0,
      boughtValue: 0,
      sold: 0,
      soldValue: 0,
      prevPos: 0,
    };
    return {
      id,
      accountId: this.identity.accountId,
      contractId: f.contractId,
      timestamp: iso(ts),
      tradeDate: tradeDate(ts),
      netPos: qty,
      ...(qty === 0 ? {} : { netPrice: avgPrice }),
      bought: t.bought,
      boughtValue: t.boughtValue,
      sold: t.sold,
      soldValue: t.soldValue,
      prevPos: t.prevPos,
      // Yesterday's settlement: stale all day long (seed 000's frozen P&L came from marking with it).
      prevPrice: f.prevPrice,
      archived: false,
    };
  }

  private report(order: Entity, f: SimFuture, execType: string, ts: number): Entity {
    const er: Entity = {
      id: entityId(),
      commandId: 0,
      name: f.name,
      accountId: this.identity.accountId,
      contractId: f.contractId,
      timestamp: iso(ts),
      tradeDate: tradeDate(ts),
      orderId: order.id,
      execType,
      ordStatus: order.ordStatus,
      action: order.action,
      externalClOrdId: null,
    };
    this.executionReports.set(er.id, er);
    this.push('executionReport', 'Created', er);
    return er;
  }

  private push(entityType: string, eventType: PropsEvent['eventType'], entity: Entity): void {
    // Kept by reference until the burst leaves: it carries each entity's latest state.
    this.burst.push({ entityType, eventType, entity });
  }

  private flushSoon(): void {
    if (this.burst.length === 0 || this.flushQueued) return;
    this.flushQueued = true;
    queueMicrotask(() => {
      this.flushQueued = false;
      this.settle();
      const burst = this.burst.map((e) => ({ ...e, entity: { ...e.entity } }));
      this.burst = [];
      if (burst.length > 0) for (const l of this.listeners) l(burst);
    });
  }

  private flushQueued = false;

  /** The venue the account trades at (for quotes in order checks). */
  get market(): Venue {
    return this.venue;
  }
}

function defaultOrderType(o: SimOrder): string {
  switch (o.type) {
    case 'market':
      return 'Market';
    case 'limit':
      return 'Limit';
    case 'stop':
      return 'Stop';
    case 'stop_limit':
      return 'StopLimit';
    case 'trailing_stop':
      return 'TrailingStop';
  }
}
