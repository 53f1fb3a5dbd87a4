/**
 * A scripted trading connection for order-desk tests: an in-memory broker whose every order call
 * can be told to answer, reject, hang (never answer) or answer "unknown", and whose lookups can
 * be made to miss an order that is still "in flight". It counts what it received, so a test can
 * prove the broker saw exactly one submission.
 */
import {
  type AccountMode,
  blankHealth,
  type ConnectionHealth,
  type ConnectionState,
  type Instrument,
  type Order,
} from '../../src/shared/domain';
import type {
  Capabilities,
  Connection,
  ConnectionEvent,
  ConnectionSink,
  ModifyOrder,
  OrderAck,
  OrderListAck,
  OrderLookup,
  PlaceOrder,
  PlaceOrderList,
} from '../../src/main/core/connection';

/** `hold`: the answer comes when the test calls `release()` (an answer on its way). */
export type Reply = 'answer' | 'reject' | 'hang' | 'unknown' | 'hold';

export class ScriptedBroker implements Connection {
  readonly kind = 'scripted';
  /** The account mode it reports (set before the engine registers it). */
  mode: AccountMode = 'demo';
  readonly capabilities: Capabilities;
  readonly orders = new Map<string, Order>();
  readonly received: { op: 'place' | 'modify' | 'cancel' | 'lookup'; id: string }[] = [];
  /** How the next calls answer (consumed in order; then `answer`). */
  replies: Reply[] = [];
  /** While false, lookups do not find orders (the order is still in flight at the broker). */
  lookupsSee = true;
  /** The link's state as health reports it (a stale link: anything but `live`). */
  state: ConnectionState = 'live';
  private sink: ConnectionSink | null = null;
  private seq = 0;

  constructor(
    readonly id: string,
    readonly label: string = `Broker ${id}`,
    private readonly instruments: Instrument[] = [],
    /** What it declares it can hold natively (default: trailing stops only). */
    caps: Partial<Capabilities> = {},
  ) {
    this.capabilities = {
      trading: true,
      modify: true,
      nativeOco: false,
      nativeTrailingStop: true,
      nativeBracket: false,
      snapshotResync: true,
      history: false,
      ...caps,
    };
    // Only a broker that declares native lists answers list calls.
    if (this.capabilities.nativeOco || this.capabilities.nativeBracket)
      this.placeOrderList = (list) => this.placeList(list);
  }

  private buffered: ConnectionEvent[] | null = null;

  /** Any event on the connection's stream (a gateway's signal, a quote, …), buffered while asked. */
  emit(e: ConnectionEvent): void {
    if (this.buffered !== null) this.buffered.push(e);
    else this.sink?.(this.id, e);
  }

  /**
   * Everything `fn` makes the broker do happens at the broker at once; the stream reports it
   * afterwards, in one burst (the race where both OCO legs fill before the terminal hears of either).
   */
  burst(fn: () => void): void {
    this.buffered = [];
    try {
      fn();
    } finally {
      const events = this.buffered;
      this.buffered = null;
      for (const e of events) this.sink?.(this.id, e);
    }
  }

  /** The symbols the engine last asked it to stream (null: never asked). */
  interest: ReadonlySet<string> | null = null;
  setInterest(symbols: ReadonlySet<string>): void {
    this.interest = new Set(symbols);
  }

  placeOrderList?: (list: PlaceOrderList) => Promise<OrderListAck>;

  private async placeList(list: PlaceOrderList): Promise<OrderListAck> {
    const orders: Order[] = [];
    for (const p of list.orders) {
      this.received.push({ op: 'place', id: p.clientOrderId });
      const o = this.book(p);
      o.list = { id: list.id, type: list.type, role: p.role };
      orders.push(o);
    }
    for (const o of orders)
      o.siblingIds = orders.filter((x) => x !== o && x.list?.role !== 'entry').map((x) => x.id);
    return { status: 'accepted', orders };
  }

  /** A last-trade quote on its stream. */
  quote(symbol: string, last: number): void {
    const t = Date.now();
    this.emit({
      type: 'quote',
      quote: {
        symbol,
        connectionId: this.id,
        bid: last,
        ask: last,
        last,
        bidSize: 1,
        askSize: 1,
        open: last,
        volume: 1,
        ts: t,
        receivedAt: t,
      },
    });
  }

  private execs = 0;
  /** An execution of `qty` at `price` on a working order, reported on the stream. */
  fill(orderId: string, qty: number, price: number): Order {
    const cur = this.orders.get(orderId);
    if (cur === undefined) throw new Error(`no order ${orderId}`);
    const filledQty = cur.filledQty + qty;
    const avg = ((cur.avgFillPrice ?? 0) * cur.filledQty + price * qty) / filledQty;
    const next: Order = {
      ...cur,
      filledQty,
      avgFillPrice: avg,
      status: filledQty >= cur.qty ? 'filled' : 'partially_filled',
      updatedAt: cur.updatedAt + 1,
    };
    this.orders.set(orderId, next);
    this.emit({ type: 'order', order: next });
    this.emit({
      type: 'fill',
      fill: {
        id: `${this.id}-x${++this.execs}`,
        orderId,
        connectionId: this.id,
        accountId: cur.accountId,
        symbol: cur.symbol,
        side: cur.side,
        qty,
        price,
        commission: 0,
        ts: Date.now(),
      },
    });
    return next;
  }

  /** The working order placed under a client order id. */
  byClientId(clientOrderId: string): Order | undefined {
    return [...this.orders.values()].find((o) => o.clientOrderId === clientOrderId);
  }

  placed(): number {
    return this.received.filter((r) => r.op === 'place').length;
  }

  submissions(clientOrderId: string): number {
    return this.received.filter((r) => r.op === 'place' && r.id === clientOrderId).length;
  }

  async start(sink: ConnectionSink): Promise<void> {
    this.sink = sink;
    for (const i of this.instruments)
      sink(this.id, { type: 'instrument', instrument: { ...i, connectionId: this.id } });
    sink(this.id, {
      type: 'resync',
      snapshot: {
        accounts: [{ accountId: 'ACC', name: 'Account', currency: 'USD', cash: 1_000_000 }],
        orders: [...this.orders.values()],
        fills: [],
      },
    });
  }
  async stop(): Promise<void> {
    this.sink = null;
  }
  health(): ConnectionHealth {
    return blankHealth({
      id: this.id,
      kind: this.kind,
      label: this.label,
      mode: this.mode,
      state: this.state,
      since: 0,
    });
  }
  reconnect(): void {}
  disconnect(): void {}

  /** The broker reports an order on its stream (as after a reconnect, or a late event). */
  report(o: Order): void {
    this.orders.set(o.id, o);
    this.emit({ type: 'order', order: o });
  }

  private readonly held: (() => void)[] = [];
  /** Answers every call held by a `hold` reply. */
  release(): void {
    for (const answer of this.held.splice(0)) answer();
  }

  private reply(ack: () => OrderAck): Promise<OrderAck> {
    const r = this.replies.shift() ?? 'answer';
    if (r === 'hang') return new Promise(() => {});
    if (r === 'hold') return new Promise((resolve) => this.held.push(() => resolve(ack())));
    if (r === 'unknown') return Promise.resolve({ status: 'unknown', reason: 'status unknown (-1007)' });
    if (r === 'reject') return Promise.resolve({ status: 'rejected', code: 'broker_rejected', reason: 'no' });
    return Promise.resolve(ack());
  }

  async placeOrder(p: PlaceOrder): Promise<OrderAck> {
    this.received.push({ op: 'place', id: p.clientOrderId });
    const peek = this.replies[0] ?? 'answer';
    // The order reaches the book unless the broker refuses it (a hung reply still executed it).
    if (peek !== 'reject') {
      const o = this.book(p);
      return this.reply(() => ({ status: 'accepted', brokerOrderId: o.id, order: o }));
    }
    return this.reply(() => ({ status: 'rejected', code: 'broker_rejected', reason: 'no' }));
  }

  private book(p: PlaceOrder): Order {
    {
      const t = Date.now();
      const o: Order = {
        id: `${this.id.toUpperCase()}-${++this.seq}`,
        clientOrderId: p.clientOrderId,
        connectionId: this.id,
        accountId: p.accountId,
        symbol: p.symbol,
        side: p.side,
        type: p.type,
        tif: p.tif,
        qty: p.qty,
        filledQty: 0,
        avgFillPrice: null,
        limitPrice: p.limitPrice ?? null,
        stopPrice: p.stopPrice ?? null,
        status: 'working',
        rejectReason: null,
        heldBy: 'broker',
        createdAt: t,
        updatedAt: t,
        ...(p.trail === undefined
          ? {}
          : {
              trail: { ...p.trail, stopPrice: null, peak: null, activated: p.trail.activationPrice === null },
            }),
      };
      this.orders.set(o.id, o);
      return o;
    }
  }

  async modifyOrder(existing: Order, change: ModifyOrder): Promise<OrderAck> {
    this.received.push({ op: 'modify', id: existing.id });
    const cur = this.orders.get(existing.id);
    if (cur === undefined) return { status: 'rejected', code: 'not_found', reason: 'unknown order' };
    const peek = this.replies[0] ?? 'answer';
    if (peek === 'reject') return this.reply(() => ({ status: 'rejected', code: 'x', reason: 'x' }));
    const next: Order = {
      ...cur,
      qty: change.qty ?? cur.qty,
      limitPrice: change.limitPrice ?? cur.limitPrice,
      stopPrice: change.stopPrice ?? cur.stopPrice,
      updatedAt: cur.updatedAt + 1,
    };
    this.orders.set(next.id, next);
    return this.reply(() => ({ status: 'accepted', brokerOrderId: next.id, order: next }));
  }

  async cancelOrder(existing: Order): Promise<OrderAck> {
    this.received.push({ op: 'cancel', id: existing.id });
    const cur = this.orders.get(existing.id);
    if (cur === undefined) return { status: 'rejected', code: 'not_found', reason: 'unknown order' };
    // A broker refuses to cancel what already finished (the race where both legs fill).
    if (cur.status === 'filled' || cur.status === 'cancelled')
      return { status: 'rejected', code: 'order_done', reason: `order is ${cur.status}` };
    const next: Order = { ...cur, status: 'cancelled', updatedAt: cur.updatedAt + 1 };
    this.orders.set(next.id, next);
    return this.reply(() => ({ status: 'accepted', brokerOrderId: next.id, order: next }));
  }

  async lookupOrder(clientOrderId: string): Promise<OrderLookup> {
    this.received.push({ op: 'lookup', id: clientOrderId });
    if (!this.lookupsSee) return { status: 'not_found' };
    const o = [...this.orders.values()].find((x) => x.clientOrderId === clientOrderId);
    return o === undefined ? { status: 'not_found' } : { status: 'found', order: o };
  }
}
