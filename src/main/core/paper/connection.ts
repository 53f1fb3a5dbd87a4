/**
 * The paper broker as a Connection: the embedded default, so a fresh install shows a working
 * terminal. It runs in-process, so its health is honest rather than decorative: rtt 0, the time
 * of the last event it delivered (its start-up snapshot included) as lastMessageAt, the
 * measured event rate, and how often it went live again after the user disconnected it.
 */
import {
  blankHealth,
  type Bar,
  type ConnectionHealth,
  type ConnectionState,
  type Order,
  type Timeframe,
} from '../../../shared/domain';
import type { Result } from '../../../shared/contract';
import {
  type Capabilities,
  type Connection,
  type ConnectionEvent,
  type ConnectionSink,
  type ModifyOrder,
  type OrderAck,
  type OrderListAck,
  type OrderLookup,
  type PlaceOrder,
  type PlaceOrderList,
  refused,
} from '../connection';
import type { PaperFaults } from './faults';
import { PaperExchange } from './exchange';
import { PAPER_CONNECTION_ID } from './instruments';
import type { Logger } from '../log';

export interface PaperConnectionOptions {
  seed?: number;
  now?: () => number;
  /** Tick on timers (default). Tests pass false and drive `exchange.step()` themselves. */
  autoTick?: boolean;
  tickIntervalMs?: number;
  historyMinutes?: number;
  logger?: Logger;
  /** Ambiguous outcomes to play (tests, demos); none by default. */
  faults?: PaperFaults;
  /**
   * Declare native OCO pairs and trailing stops (held by the paper exchange's own book) instead
   * of none. Off by default: the terminal-managed path is what a new user sees first.
   */
  nativeProtection?: boolean;
}

export const DEFAULT_SEED = 42;

export class PaperConnection implements Connection {
  readonly id = PAPER_CONNECTION_ID;
  readonly kind = 'paper';
  readonly label: string;
  readonly mode = 'paper' as const;
  readonly capabilities: Capabilities;
  readonly exchange: PaperExchange;
  private readonly now: () => number;
  private readonly autoTick: boolean;
  private readonly tickIntervalMs: number;
  private readonly log: Logger | undefined;
  private sink: ConnectionSink | null = null;
  private state: ConnectionState = 'idle';
  private since: number;
  private lastMessageAt: number | null = null;
  private windowStart: number;
  private windowCount = 0;
  private rate = 0;
  private unlisten: (() => void) | null = null;
  /** Went live before: the next go-live is a reconnect (after the user's disconnect). */
  private everLive = false;
  private reconnects = 0;
  private readonly faults: PaperFaults | undefined;
  /** Order calls that played a fault so far (`faults.calls` bounds them). */
  private faulted = 0;
  /** Every order call received, by client order id: what "the broker saw" in fault tests. */
  readonly submissions = new Map<string, number>();

  constructor(opts: PaperConnectionOptions = {}) {
    this.faults = opts.faults;
    const native = opts.nativeProtection === true;
    this.capabilities = {
      trading: true,
      modify: true,
      nativeOco: native,
      nativeTrailingStop: native,
      // The book's bracket names its exits after the entry's id, not the protection's roles.
      nativeBracket: false,
      snapshotResync: true,
      history: true,
      // The venue's book around the touch (see `syntheticBook`), for listings a ladder watches.
      depth: true,
    };
    if (native) this.placeOrderList = (list) => this.placeList(list);
    // Never silently: a paper broker playing faults says so wherever its name is shown.
    this.label = opts.faults === undefined ? 'Paper' : 'Paper (faults on)';
    if (opts.faults !== undefined) opts.logger?.warn({ faults: opts.faults }, 'paper broker plays faults');
    this.now = opts.now ?? Date.now;
    this.autoTick = opts.autoTick ?? true;
    this.tickIntervalMs = opts.tickIntervalMs ?? 50;
    this.log = opts.logger?.child({ connectionId: PAPER_CONNECTION_ID });
    this.exchange = new PaperExchange({
      seed: opts.seed ?? DEFAULT_SEED,
      now: this.now,
      historyMinutes: opts.historyMinutes,
    });
    this.since = this.now();
    this.windowStart = this.since;
  }

  async start(sink: ConnectionSink): Promise<void> {
    this.sink = sink;
    this.unlisten?.();
    this.unlisten = this.exchange.onEvent((e) => this.forward(e));
    this.goLive();
  }

  async stop(): Promise<void> {
    this.exchange.stop();
    this.setState('stopped');
    this.unlisten?.();
    this.unlisten = null;
    this.sink = null;
  }

  private goLive(): void {
    const sink = this.sink;
    if (sink === null) return;
    this.setState('syncing');
    // The snapshot is a delivery like any tick: without this, a freshly started paper broker
    // read "live" with "Last msg —" until its first tick and the next health sample.
    this.lastMessageAt = this.now();
    for (const instrument of this.exchange.instruments()) sink(this.id, { type: 'instrument', instrument });
    for (const quote of this.exchange.quotes()) sink(this.id, { type: 'quote', quote });
    // The resync makes the ledger reconcile and mark the account verified.
    sink(this.id, {
      type: 'resync',
      snapshot: {
        accounts: [this.exchange.account()],
        orders: this.exchange.allOrders(),
        fills: this.exchange.fills(),
      },
    });
    if (this.everLive) this.reconnects += 1;
    this.everLive = true;
    this.setState('live');
    if (this.autoTick) this.exchange.start(this.tickIntervalMs);
  }

  /**
   * Only these symbols' quotes and trades are delivered (the engine's interest set); null until
   * the engine says, when everything is. The market itself runs on for every instrument.
   */
  private interest: ReadonlySet<string> | null = null;

  setInterest(symbols: ReadonlySet<string>): void {
    this.interest = new Set(symbols);
  }

  /** Symbols whose book follows each of their quotes (a ladder is open on them). */
  private depthInterest: ReadonlySet<string> = new Set();

  setDepthInterest(symbols: ReadonlySet<string>): void {
    const added = [...symbols].filter((s) => !this.depthInterest.has(s));
    this.depthInterest = new Set(symbols);
    // A ladder that just opened gets the book at once, not at the next tick.
    for (const symbol of added) this.forwardDepth(symbol);
  }

  private forwardDepth(symbol: string): void {
    const depth = this.exchange.depth(symbol);
    if (depth !== undefined) this.forward({ type: 'depth', depth });
  }

  private forward(e: ConnectionEvent): void {
    if (this.sink === null || this.state !== 'live') return;
    if (this.interest !== null) {
      const symbol = e.type === 'quote' ? e.quote.symbol : e.type === 'trade' ? e.symbol : null;
      if (symbol !== null && !this.interest.has(symbol)) return;
    }
    const t = this.now();
    // Every event is a message (orders and fills too), dated when delivered.
    this.lastMessageAt = t;
    this.count(t);
    this.sink(this.id, e);
    if (e.type === 'quote' && this.depthInterest.has(e.quote.symbol)) this.forwardDepth(e.quote.symbol);
  }

  private count(t: number): void {
    const elapsed = t - this.windowStart;
    if (elapsed >= 1000) {
      this.rate = (this.windowCount * 1000) / elapsed;
      this.windowStart = t;
      this.windowCount = 0;
    }
    this.windowCount++;
  }

  private setState(state: ConnectionState): void {
    if (state === this.state) return;
    this.log?.info({ from: this.state, to: state }, 'connection state');
    this.state = state;
    this.since = this.now();
    this.sink?.(this.id, { type: 'health', health: this.health() });
  }

  health(): ConnectionHealth {
    const t = this.now();
    // With no events for two windows the measured rate is zero, not the last busy figure.
    const rate = t - this.windowStart >= 2000 ? 0 : this.rate;
    const identity = { id: this.id, kind: this.kind, label: this.label, mode: this.mode };
    // In-process: there is no link that can fail, so no error to date and no RTT to speak of.
    return {
      ...blankHealth({ ...identity, state: this.state, since: this.since }),
      rttMs: this.state === 'live' ? 0 : null,
      lagMs: this.state === 'live' ? 0 : null,
      clockOffsetMs: 0,
      lastMessageAt: this.lastMessageAt,
      messagesPerSec: Math.round(rate * 10) / 10,
      reconnects: this.reconnects,
    };
  }

  reconnect(): void {
    if (this.state === 'live' || this.sink === null) return;
    this.goLive();
  }

  disconnect(): void {
    if (this.state !== 'live') return;
    this.exchange.stop();
    this.sink?.(this.id, { type: 'unverified' });
    this.setState('stopped');
  }

  async placeOrder(order: PlaceOrder): Promise<OrderAck> {
    if (this.state !== 'live')
      return refused('not_connected', 'The paper broker is disconnected; reconnect it to trade.');
    this.submissions.set(order.clientOrderId, (this.submissions.get(order.clientOrderId) ?? 0) + 1);
    const f = this.faults;
    if (f !== undefined && (f.calls === undefined || this.faulted < f.calls)) {
      this.faulted++;
      const execute = (): void => {
        const r = this.exchange.place(order);
        this.log?.info(
          { clientOrderId: order.clientOrderId, placed: r.ok },
          'fault: order executed without a reply',
        );
      };
      if (f.executeAfterMs > 0) setTimeout(execute, f.executeAfterMs).unref();
      else execute();
      if (f.orderReply === 'hang') return new Promise<OrderAck>(() => {});
    }
    const r =
      order.type === 'trailing_stop' && order.trail !== undefined && this.capabilities.nativeTrailingStop
        ? this.exchange.placeTrailingStop(
            { ...order, type: 'stop' },
            { by: order.trail.by, value: order.trail.offset, activationPrice: order.trail.activationPrice },
          )
        : this.exchange.place(order);
    if (!r.ok) this.log?.info({ clientOrderId: order.clientOrderId, code: r.error.code }, r.error.message);
    return ackOf(r);
  }

  /** Native OCO pairs (with `nativeProtection`), held by the exchange's book. */
  placeOrderList?: (list: PlaceOrderList) => Promise<OrderListAck>;

  private async placeList(list: PlaceOrderList): Promise<OrderListAck> {
    if (this.state !== 'live')
      return refused(
        'not_connected',
        'The paper broker is disconnected; reconnect it to trade.',
      ) as OrderListAck;
    const [a, b] = list.orders;
    if (list.type !== 'oco' || a === undefined || b === undefined || list.orders.length !== 2)
      return {
        status: 'rejected',
        code: 'not_supported',
        reason: 'The paper broker holds OCO pairs, not this list.',
      };
    for (const o of list.orders)
      this.submissions.set(o.clientOrderId, (this.submissions.get(o.clientOrderId) ?? 0) + 1);
    const r = this.exchange.placeOco(a, b);
    return r.ok
      ? { status: 'accepted', orders: r.value }
      : { status: 'rejected', code: r.error.code, reason: r.error.message };
  }

  async modifyOrder(existing: Order, change: ModifyOrder): Promise<OrderAck> {
    if (this.state !== 'live')
      return refused('not_connected', 'The paper broker is disconnected; reconnect it to trade.');
    const { idempotencyKey: _key, ...values } = change;
    return ackOf(this.exchange.modify(existing.id, values));
  }

  async cancelOrder(existing: Order): Promise<OrderAck> {
    if (this.state !== 'live')
      return refused('not_connected', 'The paper broker is disconnected; reconnect it to trade.');
    return ackOf(this.exchange.cancel(existing.id));
  }

  async lookupOrder(clientOrderId: string): Promise<OrderLookup> {
    if (this.state !== 'live') return { status: 'unknown', reason: 'the paper broker is disconnected' };
    const order = this.exchange.allOrders().find((o) => o.clientOrderId === clientOrderId);
    return order === undefined ? { status: 'not_found' } : { status: 'found', order };
  }

  async history(symbol: string, timeframe: Timeframe, count: number): Promise<Bar[]> {
    return this.exchange.history(symbol, timeframe, count);
  }

  async historyBefore(symbol: string, timeframe: Timeframe, before: number, count: number): Promise<Bar[]> {
    return this.exchange.history(symbol, timeframe, count, before);
  }
}

/** The in-process exchange answers with certainty: its result is the acknowledgement. */
function ackOf(r: Result<Order>): OrderAck {
  return r.ok
    ? { status: 'accepted', brokerOrderId: r.value.id, order: r.value }
    : refused(r.error.code, r.error.message);
}
