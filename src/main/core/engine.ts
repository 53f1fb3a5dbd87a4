/**
 * The Engine: what both hosts (Electron, web) construct. It owns the connections, feeds their
 * events into the Ledger and BarStore, serves every command channel of the contract, and
 * exposes the stream through the StreamBatcher.
 */
import { randomBytes } from 'node:crypto';
import { type Channel, isChannel } from '../../shared/channels';
import {
  contract,
  fail,
  ok,
  type ParsedRequestOf,
  type Result,
  type ChartHistory,
} from '../../shared/contract';
import { isSameOrderIntent } from '../../shared/intent';
import {
  type ConnectionHealth,
  type Instrument,
  type Order,
  isOrderDone,
  positionKey,
} from '../../shared/domain';
import { isOnStep, isOnTick, roundToStep } from '../../shared/money';
import type { StatusReport } from '../../shared/status';
import type { Snapshot, StreamMessage } from '../../shared/stream';
import type { z } from 'zod';
import { BarStore } from './bars';
import { StreamBatcher } from './batcher';
import type { Connection, ConnectionEvent } from './connection';
import { Ledger } from './ledger';
import { type Logger, silentLogger } from './log';
import { PaperConnection } from './paper/connection';

export interface EngineOptions {
  seed?: number;
  flushMs?: number;
  logger?: Logger;
  now?: () => number;
  /** Embed the paper broker (default true). */
  paper?: boolean;
  connections?: Connection[];
}

/** How often connection health is sampled into the stream (ages and rates change without events). */
const HEALTH_POLL_MS = 1000;

/**
 * A place request that carried the trader's client order id and has not settled yet, or whose
 * outcome is unknown (the broker threw: the order may or may not exist).
 */
interface Intent {
  req: ParsedRequestOf<'term:orders.place'>;
  result: Promise<Result<Order>>;
  settled: boolean;
}

/** Float tails are removed from report figures by rounding to this many decimals at most. */
const MAX_DECIMALS = 8;
/** Decimals an average price keeps beyond the tick's (as the paper broker reports averages). */
const AVERAGE_EXTRA_DECIMALS = 4;

/** `x` rounded to `decimals` places (a clean decimal, not 0.30000000000000004). */
function roundTo(x: number, decimals: number): number {
  return roundToStep(x, 10 ** -Math.min(decimals, MAX_DECIMALS));
}

/** Readable text for a zod failure: "limitPrice: a limit order needs a limit price". */
function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
}

export class Engine {
  private readonly log: Logger;
  private readonly now: () => number;
  readonly ledger: Ledger;
  readonly bars: BarStore;
  readonly batcher: StreamBatcher;
  private readonly conns = new Map<string, Connection>();
  private readonly started = new Set<string>();
  private running = false;
  private healthTimer: NodeJS.Timeout | null = null;
  /** Per-session nonce: client order ids are `${nonce}-${seq}`, unique across restarts. */
  private readonly nonce: string;
  private orderSeq = 0;
  /** Place requests by the trader's client order id, while in flight or of unknown outcome. */
  private readonly intents = new Map<string, Intent>();

  private constructor(opts: EngineOptions) {
    this.log = opts.logger ?? silentLogger();
    this.now = opts.now ?? Date.now;
    this.ledger = new Ledger({ logger: this.log.child({ component: 'ledger' }), now: this.now });
    this.bars = new BarStore();
    this.batcher = new StreamBatcher(this.ledger, this.bars, { flushMs: opts.flushMs, now: this.now });
    this.nonce = randomBytes(4).toString('hex');
    if (opts.paper ?? true)
      this.register(new PaperConnection({ seed: opts.seed, now: this.now, logger: this.log }));
    for (const c of opts.connections ?? []) this.register(c);
  }

  static create(opts: EngineOptions = {}): Engine {
    return new Engine(opts);
  }

  private register(c: Connection): void {
    if (this.conns.has(c.id)) throw new Error(`A connection with id "${c.id}" is already registered.`);
    this.conns.set(c.id, c);
    this.ledger.registerConnection(c.id, c.mode);
    this.publishHealth(c);
  }

  /** Health as the engine publishes it: the connection's own, plus whether it can trade. */
  private healthOf(c: Connection, h: ConnectionHealth = c.health()): ConnectionHealth {
    return { ...h, trading: c.capabilities.trading };
  }

  private publishHealth(c: Connection): void {
    this.ledger.apply(c.id, { type: 'health', health: this.healthOf(c) });
  }

  /**
   * Events from `c` only while it is the registered connection for its id: a removed (or replaced)
   * connection that still emits while it shuts down must not bring back what the ledger forgot.
   */
  private sinkFor(c: Connection): (connectionId: string, event: ConnectionEvent) => void {
    return (connectionId, event) => {
      if (this.conns.get(c.id) !== c) return;
      this.sink(
        connectionId,
        event.type === 'health' ? { type: 'health', health: this.healthOf(c, event.health) } : event,
      );
    };
  }

  private readonly sink = (connectionId: string, event: ConnectionEvent): void => {
    try {
      if (event.type === 'trade') {
        this.bars.onTrade(connectionId, event.symbol, event.price, event.size, event.ts);
        if (this.bars.hasChanges()) this.batcher.barsChanged();
        return;
      }
      this.ledger.apply(connectionId, event);
    } catch (err) {
      // One bad event must not take the feed down; it is logged with its connection.
      this.log.error({ connectionId, err, eventType: event.type }, 'event could not be applied');
    }
  };

  private async startConnection(c: Connection): Promise<void> {
    if (this.started.has(c.id)) return;
    this.started.add(c.id);
    try {
      await c.start(this.sinkFor(c));
      this.publishHealth(c);
      this.log.info({ connectionId: c.id, kind: c.kind }, 'connection started');
    } catch (err) {
      this.log.error({ connectionId: c.id, err }, 'connection failed to start');
      this.publishHealth(c);
    }
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await Promise.all([...this.conns.values()].map((c) => this.startConnection(c)));
    this.healthTimer = setInterval(() => this.pollHealth(), HEALTH_POLL_MS);
    this.healthTimer.unref();
  }

  private pollHealth(): void {
    for (const c of this.conns.values()) this.publishHealth(c);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.healthTimer !== null) clearInterval(this.healthTimer);
    this.healthTimer = null;
    await Promise.all(
      [...this.conns.values()].map((c) =>
        c.stop().catch((err: unknown) => this.log.warn({ connectionId: c.id, err }, 'stop failed')),
      ),
    );
    this.started.clear();
    this.batcher.flush();
    this.batcher.stop();
  }

  async addConnection(c: Connection): Promise<void> {
    this.register(c);
    if (this.running) await this.startConnection(c);
  }

  /**
   * Stops a connection and forgets it (removed by the user): its health row, accounts,
   * positions, orders, fills, quotes and instruments leave the ledger and the stream, so nothing
   * it reported stays listed as if current. Returns false when no such connection runs; the
   * ledger forgets the id anyway (a disabled connection's kept rows go when it is removed).
   */
  async removeConnection(id: string): Promise<boolean> {
    const c = await this.detach(id);
    this.ledger.forgetConnection(id);
    if (c !== undefined) this.log.info({ connectionId: id, kind: c.kind }, 'connection removed');
    return c !== undefined;
  }

  /**
   * Stops a connection but keeps what it reported (disabled by the user, kept in settings): the
   * health row stays, showing `stopped`, and its accounts are marked unverified, so its last
   * positions and orders stay visible for reference but never read as current. Removing the
   * connection later forgets them.
   */
  async disableConnection(id: string): Promise<boolean> {
    const c = await this.detach(id);
    if (c === undefined) return false;
    this.publishHealth(c);
    this.ledger.apply(id, { type: 'unverified' });
    this.log.info({ connectionId: id, kind: c.kind }, 'connection disabled');
    return true;
  }

  /** Takes a connection out of the engine and stops it; its events are ignored from now on. */
  private async detach(id: string): Promise<Connection | undefined> {
    const c = this.conns.get(id);
    if (c === undefined) return undefined;
    this.conns.delete(id);
    this.started.delete(id);
    try {
      await c.stop();
    } catch (err) {
      this.log.warn({ connectionId: id, err }, 'stop failed');
    }
    return c;
  }

  /**
   * Swaps in a new Connection under the same id (an edited config or credential): the old one is
   * removed and forgotten first, so the new one starts from its own snapshot, not from what the
   * old config reported.
   */
  async replaceConnection(c: Connection): Promise<void> {
    await this.removeConnection(c.id);
    await this.addConnection(c);
  }

  connection(id: string): Connection | undefined {
    return this.conns.get(id);
  }

  subscribe(listener: (m: StreamMessage) => void): () => void {
    return this.batcher.subscribe(listener);
  }

  snapshot(): Snapshot {
    return this.batcher.snapshot();
  }

  // ---------------------------------------------------------------- commands

  async dispatch(channel: string, payload: unknown): Promise<unknown> {
    if (!isChannel(channel)) throw new Error(`Unknown channel: ${String(channel)}`);
    const parsed = contract[channel].request.safeParse(payload ?? {});
    if (!parsed.success) {
      const message = `Invalid request for ${channel}: ${describeIssues(parsed.error)}`;
      if (channel === 'term:stream.snapshot') throw new Error(message);
      return fail('invalid_request', message);
    }
    return this.handle(channel, parsed.data);
  }

  private async handle(channel: Channel, req: unknown): Promise<unknown> {
    // Each case narrows `req` to the schema that just parsed it.
    switch (channel) {
      case 'term:stream.snapshot':
        return this.snapshot();
      case 'term:orders.place':
        return this.placeOrder(req as ParsedRequestOf<'term:orders.place'>);
      case 'term:orders.modify':
        return this.modifyOrder(req as ParsedRequestOf<'term:orders.modify'>);
      case 'term:orders.cancel':
        return this.cancelOrder(req as ParsedRequestOf<'term:orders.cancel'>);
      case 'term:positions.close':
        return this.closePosition(req as ParsedRequestOf<'term:positions.close'>);
      case 'term:positions.flatten':
        return this.flattenPosition(req as ParsedRequestOf<'term:positions.flatten'>);
      case 'term:charts.open':
        return this.openChart(req as ParsedRequestOf<'term:charts.open'>);
      case 'term:charts.close':
        this.bars.close((req as ParsedRequestOf<'term:charts.close'>).series);
        return ok({});
      case 'term:connections.reconnect':
      case 'term:connections.disconnect': {
        const { id } = req as ParsedRequestOf<'term:connections.reconnect'>;
        const c = this.conns.get(id);
        if (c === undefined) return fail('not_found', `There is no connection named "${id}".`);
        this.log.info({ connectionId: id, action: channel }, 'user action');
        if (channel === 'term:connections.reconnect') c.reconnect();
        else c.disconnect();
        this.publishHealth(c);
        return ok({});
      }
      case 'term:connections.list':
      case 'term:connections.save':
      case 'term:connections.remove':
      case 'term:connections.setEnabled':
      case 'term:connections.test':
      case 'term:credentials.set':
      case 'term:credentials.has':
        // Served by the host's ConnectionManager (it owns settings and the vault), not the engine.
        return fail('not_available', 'Connection settings are not available in this session.');
      case 'term:workspace.get':
      case 'term:workspace.update':
        // Served by the ConnectionManager's Workspace (it owns the settings file).
        return fail('not_available', 'Saved workspaces are not available in this session.');
      case 'term:settings.problems':
        return [];
    }
  }

  private tradingConnection(connectionId: string): Result<Connection> {
    const c = this.conns.get(connectionId);
    if (c === undefined) return fail('not_found', `There is no connection named "${connectionId}".`);
    if (!c.capabilities.trading)
      return fail('read_only', `${c.label} is read-only: orders can't be sent through it.`);
    const state = c.health().state;
    if (state !== 'live')
      return fail(
        'not_connected',
        `${c.label} is ${state}, not live: orders can't be sent until it reconnects.`,
      );
    return ok(c);
  }

  private checkPrices(inst: Instrument, prices: Record<string, number | undefined>): Result<null> {
    for (const [label, price] of Object.entries(prices)) {
      if (price === undefined || isOnTick(price, inst.tickSize)) continue;
      return fail(
        'off_tick',
        `${label} ${price} is not on ${inst.symbol}'s tick grid: the tick size is ${inst.tickSize} (nearest ${roundToStep(price, inst.tickSize)}).`,
      );
    }
    return ok(null);
  }

  private checkQty(inst: Instrument, qty: number | undefined): Result<null> {
    if (qty === undefined || isOnStep(qty, inst.qtyStep)) return ok(null);
    return fail(
      'bad_qty',
      `Quantity ${qty} is not a multiple of ${inst.symbol}'s quantity step ${inst.qtyStep}.`,
    );
  }

  /** Deterministic from the session and the intent's sequence: a retry reuses it, never a new one. */
  nextClientOrderId(): string {
    return `pg-${this.nonce}-${++this.orderSeq}`;
  }

  /**
   * Place an order. With the trader's client order id (one per click, reused by every retry of
   * that click) this is idempotent: a retry after a dropped link or a lost reply must never become
   * a second order, so a known id returns the order it already placed (or waits for the attempt
   * still in flight) instead of sending again. Without one, a fresh id is generated.
   */
  private async placeOrder(req: ParsedRequestOf<'term:orders.place'>): Promise<Result<Order>> {
    const id = req.clientOrderId;
    if (id === undefined) return this.submitOrder(req, this.nextClientOrderId());
    const placed = this.ledger.orderByClientOrderId(id);
    if (placed !== undefined)
      return sameOrderIntent(placed, req)
        ? ok(placed)
        : fail('duplicate_client_order_id', `Client order id ${id} already belongs to order ${placed.id}.`);
    const prior = this.intents.get(id);
    if (prior !== undefined) {
      if (!isSameOrderIntent(prior.req, req))
        return fail('duplicate_client_order_id', `Client order id ${id} is already used by another order.`);
      if (!prior.settled) return prior.result;
      // The broker threw: the order may exist. Resolve by looking, never by resending.
      return fail(
        'outcome_unknown',
        `The first attempt of this order (${id}) ended without a clear answer from the broker and the order has not been reported since; check the orders list before placing it again.`,
      );
    }
    const intent: Intent = { req, result: this.submitOrder(req, id), settled: false };
    this.intents.set(id, intent);
    const r = await intent.result;
    intent.settled = true;
    // Placed: the ledger has it now. Refused: nothing exists, so a retry may try again. Only an
    // ambiguous failure keeps the id blocked.
    if (r.ok || r.error.code !== 'broker_error') this.intents.delete(id);
    return r;
  }

  private async submitOrder(
    req: ParsedRequestOf<'term:orders.place'>,
    clientOrderId: string,
  ): Promise<Result<Order>> {
    const conn = this.tradingConnection(req.connectionId);
    if (!conn.ok) return conn;
    const inst = this.ledger.instrument(req.connectionId, req.symbol);
    if (inst === undefined)
      return fail('unknown_symbol', `${req.symbol} is not listed on ${conn.value.label}.`);
    if (this.ledger.account(req.connectionId, req.accountId) === undefined)
      return fail('unknown_account', `Account ${req.accountId} does not exist on ${conn.value.label}.`);
    const prices = this.checkPrices(inst, { 'Limit price': req.limitPrice, 'Stop price': req.stopPrice });
    if (!prices.ok) return prices;
    const qty = this.checkQty(inst, req.qty);
    if (!qty.ok) return qty;
    const id = clientOrderId;
    const log = this.log.child({ connectionId: req.connectionId });
    log.info(
      {
        clientOrderId: id,
        symbol: req.symbol,
        side: req.side,
        type: req.type,
        qty: req.qty,
        limitPrice: req.limitPrice,
        stopPrice: req.stopPrice,
        tif: req.tif,
      },
      'place order',
    );
    let result: Result<Order>;
    try {
      result = await conn.value.placeOrder({ ...req, clientOrderId: id });
    } catch (err) {
      log.error({ clientOrderId: id, err }, 'place order failed');
      return fail(
        'broker_error',
        `${conn.value.label} did not accept the order: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    if (result.ok) this.ledger.apply(req.connectionId, { type: 'order', order: result.value });
    else log.info({ clientOrderId: id, code: result.error.code }, `order rejected: ${result.error.message}`);
    return result;
  }

  private findOrder(orderId: string): Result<Order> {
    const found = this.ledger.findOrders(orderId);
    const first = found[0];
    if (first === undefined) return fail('not_found', `Order ${orderId} is not known.`);
    if (found.length > 1) return fail('ambiguous', `Order id ${orderId} exists on several connections.`);
    return ok(first);
  }

  private async modifyOrder(req: ParsedRequestOf<'term:orders.modify'>): Promise<Result<Order>> {
    const found = this.findOrder(req.orderId);
    if (!found.ok) return found;
    const o = found.value;
    if (isOrderDone(o.status))
      return fail('order_done', `Order ${o.id} is already ${o.status}; it can't be modified.`);
    const conn = this.tradingConnection(o.connectionId);
    if (!conn.ok) return conn;
    const inst = this.ledger.instrument(o.connectionId, o.symbol);
    if (inst !== undefined) {
      const prices = this.checkPrices(inst, { 'Limit price': req.limitPrice, 'Stop price': req.stopPrice });
      if (!prices.ok) return prices;
      const qty = this.checkQty(inst, req.qty);
      if (!qty.ok) return qty;
    }
    if (req.qty !== undefined && req.qty <= o.filledQty)
      return fail('bad_qty', `Quantity must stay above the ${o.filledQty} already filled.`);
    try {
      const r = await conn.value.modifyOrder(o, req);
      if (r.ok) this.ledger.apply(o.connectionId, { type: 'order', order: r.value });
      return r;
    } catch (err) {
      return fail(
        'broker_error',
        `${conn.value.label} did not modify the order: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }

  private async cancelOrder(req: ParsedRequestOf<'term:orders.cancel'>): Promise<Result<Order>> {
    const found = this.findOrder(req.orderId);
    if (!found.ok) return found;
    return this.cancelKnownOrder(found.value);
  }

  private async cancelKnownOrder(o: Order): Promise<Result<Order>> {
    if (isOrderDone(o.status)) return fail('order_done', `Order ${o.id} is already ${o.status}.`);
    const conn = this.tradingConnection(o.connectionId);
    if (!conn.ok) return conn;
    try {
      const r = await conn.value.cancelOrder(o);
      if (r.ok) this.ledger.apply(o.connectionId, { type: 'order', order: r.value });
      return r;
    } catch (err) {
      return fail(
        'broker_error',
        `${conn.value.label} did not cancel the order: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }

  private async closePosition(req: ParsedRequestOf<'term:positions.close'>): Promise<Result<Order[]>> {
    const p = this.ledger.position(positionKey(req.connectionId, req.accountId, req.symbol));
    if (p === undefined || p.qty === 0) return fail('flat', `There is no ${req.symbol} position to close.`);
    const r = await this.placeOrder(closingOrder(req, p.qty));
    return r.ok ? ok([r.value]) : r;
  }

  /**
   * Cancel every working order on the symbol (stops and targets included), then close what is
   * left of the position at market: cancelling first means no resting order can re-open the
   * position after it was closed. Returns the orders touched, cancels first.
   */
  private async flattenPosition(req: ParsedRequestOf<'term:positions.flatten'>): Promise<Result<Order[]>> {
    const conn = this.tradingConnection(req.connectionId);
    if (!conn.ok) return conn;
    const touched: Order[] = [];
    const working = this.ledger
      .orders()
      .filter(
        (o) =>
          o.connectionId === req.connectionId &&
          o.accountId === req.accountId &&
          o.symbol === req.symbol &&
          !isOrderDone(o.status),
      );
    for (const o of working) {
      const r = await this.cancelKnownOrder(o);
      if (r.ok) touched.push(r.value);
      // Finished meanwhile (e.g. the stop filled): its fills are in the position closed below.
      else if (r.error.code !== 'order_done')
        return fail(
          'flatten_incomplete',
          `Could not cancel order ${o.id} (${r.error.message}), so the ${req.symbol} position was not closed${touched.length > 0 ? `; cancelled before that: ${touched.map((x) => x.id).join(', ')}` : ''}.`,
        );
    }
    const p = this.ledger.position(positionKey(req.connectionId, req.accountId, req.symbol));
    if (p !== undefined && p.qty !== 0) {
      const r = await this.submitOrder(closingOrder(req, p.qty), this.nextClientOrderId());
      if (!r.ok)
        return fail(
          r.error.code,
          `${touched.length} working order(s) cancelled, but the ${req.symbol} position was not closed: ${r.error.message}`,
        );
      touched.push(r.value);
    }
    return ok(touched);
  }

  private async openChart(req: ParsedRequestOf<'term:charts.open'>): Promise<Result<ChartHistory>> {
    // Prefer a connection that serves history for this symbol; otherwise the first listing.
    const listings = this.ledger.instrumentsFor(req.symbol);
    const pick =
      listings.find((i) => this.conns.get(i.connectionId)?.capabilities.history === true) ?? listings[0];
    if (pick === undefined) return fail('unknown_symbol', `${req.symbol} is not listed on any connection.`);
    const conn = this.conns.get(pick.connectionId);
    if (conn === undefined) return fail('not_found', `The connection for ${req.symbol} is gone.`);
    try {
      const h = await this.bars.open(pick.connectionId, req.symbol, req.timeframe, conn, this.now());
      return ok({ series: h.series, symbol: req.symbol, timeframe: req.timeframe, bars: h.bars });
    } catch (err) {
      this.log.warn({ connectionId: conn.id, symbol: req.symbol, err }, 'history failed');
      return fail('history_unavailable', `${conn.label} could not load ${req.symbol} history.`);
    }
  }

  // ---------------------------------------------------------------- summaries

  status(): StatusReport {
    const now = this.now();
    return {
      connections: [...this.conns.values()].map((c) => {
        const h = this.ledger.connectionHealth(c.id) ?? c.health();
        return {
          id: c.id,
          kind: c.kind,
          state: h.state,
          rttMs: h.rttMs,
          lagMs: h.lagMs,
          lastMessageAgeMs: h.lastMessageAt === null ? null : Math.max(0, now - h.lastMessageAt),
          reconnects: h.reconnects,
        };
      }),
      // Rounded for the report only (prices to the instrument's precision, money to cents); the
      // ledger keeps full precision so sums do not drift. A mark may be a mid (half a tick) and an
      // average price is not on the grid at all: they keep the digits that are real, so the
      // report's unrealized P&L still follows from its own qty, avgPrice and last.
      accounts: this.ledger.accounts().map((a) => ({
        connectionId: a.connectionId,
        accountId: a.accountId,
        equity: roundTo(a.equity, 2),
        dayPnl: roundTo(a.dayPnl, 2),
        verified: a.verified,
      })),
      positions: this.ledger.positions().map((p) => {
        const decimals = this.pricePrecision(p.connectionId, p.symbol);
        return {
          connectionId: p.connectionId,
          accountId: p.accountId,
          symbol: p.symbol,
          qty: p.qty,
          avgPrice: roundTo(p.avgPrice, decimals + AVERAGE_EXTRA_DECIMALS),
          last: p.last === null ? null : roundTo(p.last, decimals + 1),
          unrealizedPnl: roundTo(p.unrealizedPnl, 2),
          realizedPnl: roundTo(p.realizedPnl, 2),
        };
      }),
      orders: this.ledger.orders().map((o) => {
        const decimals = this.pricePrecision(o.connectionId, o.symbol);
        const price = (x: number) => roundTo(x, decimals);
        return {
          id: o.id,
          symbol: o.symbol,
          side: o.side,
          type: o.type,
          status: o.status,
          qty: o.qty,
          filledQty: o.filledQty,
          price: o.limitPrice === null ? null : price(o.limitPrice),
          stopPrice: o.stopPrice === null ? null : price(o.stopPrice),
        };
      }),
    };
  }

  /** The instrument's price decimals; an unlisted symbol only loses its float tail. */
  private pricePrecision(connectionId: string, symbol: string): number {
    return this.ledger.instrument(connectionId, symbol)?.pricePrecision ?? MAX_DECIMALS;
  }

  /** For the tray: totals over accounts in the first account's currency. */
  pnlSummary(): {
    totalPnl: number;
    dayPnl: number;
    unrealizedPnl: number;
    currency: string;
    unverified: boolean;
  } {
    const accounts = this.ledger.accounts();
    const currency = accounts[0]?.currency ?? 'USD';
    let totalPnl = 0;
    let dayPnl = 0;
    let unrealized = 0;
    let unverified = false;
    for (const a of accounts) {
      if (!a.verified) unverified = true;
      // Mixing currencies would be silently wrong; other-currency accounts are flagged instead.
      if (a.currency !== currency) {
        unverified = true;
        continue;
      }
      // A broker that reports positions tells us its P&L, not the fills to derive it from: our
      // realized figure would be missing, so its day P&L (equity change) is the total we know.
      totalPnl += this.ledger.brokerReportsPnl(a.connectionId, a.accountId)
        ? a.dayPnl
        : a.realizedPnl + a.unrealizedPnl - a.fees;
      dayPnl += a.dayPnl;
      unrealized += a.unrealizedPnl;
    }
    const r2 = (x: number) => Math.round(x * 100) / 100;
    return {
      totalPnl: r2(totalPnl),
      dayPnl: r2(dayPnl),
      unrealizedPnl: r2(unrealized),
      currency,
      unverified,
    };
  }
}

/**
 * An order already placed under the id matches a retry when it is for the same account, symbol
 * and side; its price or quantity may since have been modified by the trader.
 */
function sameOrderIntent(o: Order, req: ParsedRequestOf<'term:orders.place'>): boolean {
  return (
    o.connectionId === req.connectionId &&
    o.accountId === req.accountId &&
    o.symbol === req.symbol &&
    o.side === req.side
  );
}

/** The market order that takes a signed position back to flat. */
function closingOrder(
  where: ParsedRequestOf<'term:positions.close'>,
  positionQty: number,
): ParsedRequestOf<'term:orders.place'> {
  return {
    connectionId: where.connectionId,
    accountId: where.accountId,
    symbol: where.symbol,
    side: positionQty > 0 ? 'sell' : 'buy',
    type: 'market',
    qty: Math.abs(positionQty),
    tif: 'day',
  };
}
