/**
 * A scripted trading connection for order-desk tests: an in-memory broker whose every order call
 * can be told to answer, reject, hang (never answer) or answer "unknown", and whose lookups can
 * be made to miss an order that is still "in flight". It counts what it received, so a test can
 * prove the broker saw exactly one submission.
 */
import { blankHealth, type ConnectionHealth, type Instrument, type Order } from '../../src/shared/domain';
import type {
  Capabilities,
  Connection,
  ConnectionSink,
  ModifyOrder,
  OrderAck,
  OrderLookup,
  PlaceOrder,
} from '../../src/main/core/connection';

export type Reply = 'answer' | 'reject' | 'hang' | 'unknown';

export class ScriptedBroker implements Connection {
  readonly kind = 'scripted';
  readonly mode = 'demo' as const;
  readonly capabilities: Capabilities = {
    trading: true,
    modify: true,
    nativeOco: false,
    nativeTrailingStop: true,
    nativeBracket: false,
    snapshotResync: true,
    history: false,
  };
  readonly orders = new Map<string, Order>();
  readonly received: { op: 'place' | 'modify' | 'cancel' | 'lookup'; id: string }[] = [];
  /** How the next calls answer (consumed in order; then `answer`). */
  replies: Reply[] = [];
  /** While false, lookups do not find orders (the order is still in flight at the broker). */
  lookupsSee = true;
  private sink: ConnectionSink | null = null;
  private seq = 0;

  constructor(
    readonly id: string,
    readonly label: string = `Broker ${id}`,
    private readonly instruments: Instrument[] = [],
  ) {}

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
      state: 'live',
      since: 0,
    });
  }
  reconnect(): void {}
  disconnect(): void {}

  /** The broker reports an order on its stream (as after a reconnect, or a late event). */
  report(o: Order): void {
    this.orders.set(o.id, o);
    this.sink?.(this.id, { type: 'order', order: o });
  }

  private reply(ack: () => OrderAck): Promise<OrderAck> {
    const r = this.replies.shift() ?? 'answer';
    if (r === 'hang') return new Promise(() => {});
    if (r === 'unknown') return Promise.resolve({ status: 'unknown', reason: 'status unknown (-1007)' });
    if (r === 'reject') return Promise.resolve({ status: 'rejected', code: 'broker_rejected', reason: 'no' });
    return Promise.resolve(ack());
  }

  async placeOrder(p: PlaceOrder): Promise<OrderAck> {
    this.received.push({ op: 'place', id: p.clientOrderId });
    const peek = this.replies[0] ?? 'answer';
    // The order reaches the book unless the broker refuses it (a hung reply still executed it).
    if (peek !== 'reject') {
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
      };
      this.orders.set(o.id, o);
      return this.reply(() => ({ status: 'accepted', brokerOrderId: o.id, order: o }));
    }
    return this.reply(() => ({ status: 'rejected', code: 'broker_rejected', reason: 'no' }));
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
