/**
 * A broker that outlives the engine: a small loopback WebSocket exchange (`LoopbackExchange`, run
 * by the test process) and the Connection an engine in another process uses to reach it
 * (`LoopbackBrokerConnection`). The exchange keeps its orders across the engine's death, counts
 * every submission by client order id, and can be told to take an order without answering — so a
 * crash test can kill the engine with a call in flight and prove nothing was sent twice.
 *
 * Wire: JSON text frames. Engine → exchange `{ id, op, args }`; exchange → engine
 * `{ id, reply }` for calls and `{ event }` for the stream (its first event is the resync).
 */
import { WebSocket, WebSocketServer } from 'ws';
import type {
  CancelOrder,
  Capabilities,
  Connection,
  ConnectionEvent,
  ConnectionSink,
  ModifyOrder,
  OrderAck,
  OrderLookup,
  PlaceOrder,
} from '../../src/main/core/connection';
import { blankHealth, type ConnectionHealth, type Instrument, type Order } from '../../src/shared/domain';

export const LOOPBACK_ACCOUNT = 'ACC';

type Call =
  | { op: 'place'; args: PlaceOrder }
  | { op: 'modify'; args: { orderId: string; change: ModifyOrder } }
  | { op: 'cancel'; args: { orderId: string } }
  | { op: 'lookup'; args: { clientOrderId: string } };

export class LoopbackExchange {
  readonly orders = new Map<string, Order>();
  readonly received: { op: Call['op']; id: string }[] = [];
  /** Client order ids whose place is booked but never answered (the engine dies waiting). */
  readonly swallow = new Set<string>();
  private readonly clients = new Set<WebSocket>();
  private readonly waiters: { test: () => boolean; resolve: () => void }[] = [];
  private last = 5000;
  private seq = 0;
  private execs = 0;
  private wss: WebSocketServer | null = null;

  constructor(private readonly instrument: Instrument) {}

  async listen(): Promise<string> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    this.wss = wss;
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    wss.on('connection', (ws) => this.attach(ws));
    const addr = wss.address();
    if (addr === null || typeof addr === 'string') throw new Error('unexpected address');
    return `ws://127.0.0.1:${addr.port}`;
  }

  async close(): Promise<void> {
    for (const c of this.clients) c.terminate();
    await new Promise<void>((resolve) => this.wss?.close(() => resolve()) ?? resolve());
  }

  submissions(clientOrderId: string): number {
    return this.received.filter((r) => r.op === 'place' && r.id === clientOrderId).length;
  }

  byClientId(clientOrderId: string): Order | undefined {
    return [...this.orders.values()].find((o) => o.clientOrderId === clientOrderId);
  }

  /** Resolves once `test` holds (checked after every call received and every event sent). */
  until(test: () => boolean): Promise<void> {
    if (test()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ test, resolve }));
  }

  private wake(): void {
    for (const w of [...this.waiters])
      if (w.test()) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve();
      }
  }

  /** A trade prints: quotes go out to every engine attached. */
  trade(price: number): void {
    this.last = price;
    this.broadcast({ type: 'quote', quote: this.quote() });
  }

  /** Fills a working order at the exchange (whether or not an engine is attached). */
  fill(orderId: string, qty: number, price: number): void {
    const cur = this.orders.get(orderId);
    if (cur === undefined) throw new Error(`no order ${orderId}`);
    const filledQty = cur.filledQty + qty;
    const next: Order = {
      ...cur,
      filledQty,
      avgFillPrice: price,
      status: filledQty >= cur.qty ? 'filled' : 'partially_filled',
      updatedAt: cur.updatedAt + 1,
    };
    this.orders.set(orderId, next);
    this.broadcast({ type: 'order', order: next });
    this.broadcast({
      type: 'fill',
      fill: {
        id: `x${++this.execs}`,
        orderId,
        connectionId: cur.connectionId,
        accountId: cur.accountId,
        symbol: cur.symbol,
        side: cur.side,
        qty,
        price,
        commission: 0,
        ts: Date.now(),
      },
    });
  }

  private quote() {
    const t = Date.now();
    const l = this.last;
    return {
      symbol: this.instrument.symbol,
      connectionId: this.instrument.connectionId,
      bid: l,
      ask: l,
      last: l,
      bidSize: 1,
      askSize: 1,
      open: l,
      volume: 1,
      ts: t,
      receivedAt: t,
    };
  }

  private broadcast(event: ConnectionEvent): void {
    const text = JSON.stringify({ event });
    for (const c of this.clients) c.send(text);
    this.wake();
  }

  private attach(ws: WebSocket): void {
    this.clients.add(ws);
    ws.on('close', () => this.clients.delete(ws));
    const send = (event: ConnectionEvent): void => ws.send(JSON.stringify({ event }));
    send({ type: 'instrument', instrument: this.instrument });
    send({ type: 'quote', quote: this.quote() });
    send({
      type: 'resync',
      snapshot: {
        accounts: [{ accountId: LOOPBACK_ACCOUNT, name: 'Loopback', currency: 'USD', cash: 1_000_000 }],
        orders: [...this.orders.values()],
        fills: [],
      },
    });
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as { id: number } & Call;
      const reply = this.handle(msg);
      if (reply !== null) ws.send(JSON.stringify({ id: msg.id, reply }));
      this.wake();
    });
  }

  private handle(call: Call): OrderAck | OrderLookup | null {
    if (call.op === 'lookup') {
      this.received.push({ op: 'lookup', id: call.args.clientOrderId });
      const o = this.byClientId(call.args.clientOrderId);
      return o === undefined ? { status: 'not_found' } : { status: 'found', order: o };
    }
    if (call.op === 'place') {
      const p = call.args;
      this.received.push({ op: 'place', id: p.clientOrderId });
      // A broker refuses a client order id it already holds (the engine never should send one).
      if (this.byClientId(p.clientOrderId) !== undefined)
        return { status: 'rejected', code: 'duplicate', reason: 'duplicate client order id' };
      const t = Date.now();
      const o: Order = {
        id: `LB-${++this.seq}`,
        clientOrderId: p.clientOrderId,
        connectionId: p.connectionId,
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
      this.broadcast({ type: 'order', order: o });
      if (this.swallow.has(p.clientOrderId)) return null;
      return { status: 'accepted', brokerOrderId: o.id, order: o };
    }
    const id = call.op === 'modify' ? call.args.orderId : call.args.orderId;
    this.received.push({ op: call.op, id });
    const cur = this.orders.get(id);
    if (cur === undefined) return { status: 'rejected', code: 'not_found', reason: 'unknown order' };
    if (cur.status === 'filled' || cur.status === 'cancelled')
      return { status: 'rejected', code: 'order_done', reason: `order is ${cur.status}` };
    const next: Order =
      call.op === 'cancel'
        ? { ...cur, status: 'cancelled', updatedAt: cur.updatedAt + 1 }
        : {
            ...cur,
            qty: call.args.change.qty ?? cur.qty,
            limitPrice: call.args.change.limitPrice ?? cur.limitPrice,
            stopPrice: call.args.change.stopPrice ?? cur.stopPrice,
            updatedAt: cur.updatedAt + 1,
          };
    this.orders.set(id, next);
    this.broadcast({ type: 'order', order: next });
    return { status: 'accepted', brokerOrderId: id, order: next };
  }
}

/** The engine's side: a Connection to a LoopbackExchange (no native protection). */
export class LoopbackBrokerConnection implements Connection {
  readonly kind = 'loopback';
  readonly label = 'Loopback broker';
  readonly mode = 'demo' as const;
  readonly capabilities: Capabilities = {
    trading: true,
    modify: true,
    nativeOco: false,
    nativeTrailingStop: false,
    nativeBracket: false,
    snapshotResync: true,
    history: false,
  };
  private ws: WebSocket | null = null;
  private live = false;
  private seq = 0;
  private readonly pending = new Map<number, (reply: unknown) => void>();

  constructor(
    readonly id: string,
    private readonly url: string,
  ) {}

  async start(sink: ConnectionSink): Promise<void> {
    const ws = new WebSocket(this.url);
    this.ws = ws;
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as { id?: number; reply?: unknown; event?: ConnectionEvent };
      if (msg.event !== undefined) {
        if (msg.event.type === 'resync') this.live = true;
        sink(this.id, msg.event);
      } else if (msg.id !== undefined) {
        this.pending.get(msg.id)?.(msg.reply);
        this.pending.delete(msg.id);
      }
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
  }

  async stop(): Promise<void> {
    this.ws?.close();
    this.live = false;
  }

  health(): ConnectionHealth {
    return blankHealth({
      id: this.id,
      kind: this.kind,
      label: this.label,
      mode: this.mode,
      state: this.live ? 'live' : 'connecting',
      since: 0,
    });
  }
  reconnect(): void {}
  disconnect(): void {}

  private call<T>(op: Call['op'], args: unknown): Promise<T> {
    const id = ++this.seq;
    return new Promise<T>((resolve) => {
      this.pending.set(id, (r) => resolve(r as T));
      this.ws?.send(JSON.stringify({ id, op, args }));
    });
  }

  placeOrder(order: PlaceOrder): Promise<OrderAck> {
    return this.call('place', order);
  }
  modifyOrder(existing: Order, change: ModifyOrder): Promise<OrderAck> {
    return this.call('modify', { orderId: existing.id, change });
  }
  cancelOrder(existing: Order, _cancel: CancelOrder): Promise<OrderAck> {
    return this.call('cancel', { orderId: existing.id });
  }
  lookupOrder(clientOrderId: string): Promise<OrderLookup> {
    return this.call('lookup', { clientOrderId });
  }
}
