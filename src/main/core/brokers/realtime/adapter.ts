/**
 * The realtime link (seed 004, `protocols/gateways.md` §4): one socket at `/api/ws/realtime`, no
 * authentication. After each (re)connect: `subscribe_ticker` for every watched symbol, then
 * `get_positions` and `get_portfolio` — their replies are the resync snapshot. The server pushes
 * POSITION_UPDATE (~1 s, always the full list), PORTFOLIO_UPDATE (~2 s), MARKET_UPDATE for
 * subscribed tickers and ORDER_UPDATE for its own trailing stops, OCOs and brackets. Read-only:
 * the seed shows no way to trade.
 *
 * Quirks: the protocol has no ping message (the server's WebSocket library answers ws pings);
 * there is no order snapshot, but the server's order monitor re-sends every active advanced order
 * each cycle, so the resync waits one cycle (`orderSettleMs`) and lists what it heard.
 */
import type { Order } from '../../../../shared/domain';
import type { ReportedAccount, ReportedPosition, ResyncSnapshot } from '../../connection';
import { type Clock, systemClock } from '../../supervisor/clock';
import {
  type HeartbeatOptions,
  heartbeatFromInterval,
  type Link,
  type LinkAdapter,
  type LinkContext,
  LinkError,
  type LinkHandlers,
} from '../../supervisor/link';
import type { SupervisorLogger } from '../../supervisor/supervisor';
import { readFrame } from '../kit/frames';
import { OutOfOrderGate } from '../kit/gate';
import { gatewayInstrument } from '../kit/instruments';
import { type BrokerSocket, openSocket } from '../kit/socket';
import { netPositions, toOrder } from './mapping';
import { type RtOrder, ServerFrame } from './messages';

export interface RealtimeLinkOptions {
  connectionId: string;
  label: string;
  url: string;
  /** Tickers to subscribe to on every connect, besides what the terminal watches. */
  symbols: readonly string[];
  /** The account the server's positions are shown under (the protocol names none). */
  accountId?: string;
  /** How long the resync listens for the order monitor's re-sent orders (default 1.5 s; 0: not at all). */
  orderSettleMs?: number;
  heartbeatMs?: number;
  maxConnectionAgeMs?: number;
  maxPayloadBytes?: number;
  logger: SupervisorLogger;
}

/** What an advanced order's earlier updates told us (its later ones may outlive the position). */
interface OrderMemo {
  side: Order['side'];
  qty: number;
  createdAt: number;
}

export class RealtimeAdapter implements LinkAdapter {
  readonly heartbeat: HeartbeatOptions;
  readonly maxConnectionAgeMs?: number;
  private interest: ReadonlySet<string> = new Set();
  private current: RealtimeLink | null = null;
  private readonly memo = new Map<string, OrderMemo>();

  constructor(private readonly o: RealtimeLinkOptions) {
    // POSITION_UPDATE every second keeps the socket busy; ws pings measure RTT.
    this.heartbeat =
      o.heartbeatMs !== undefined
        ? heartbeatFromInterval(o.heartbeatMs)
        : { keepaliveMs: null, silenceMs: 10_000, probeMs: 15_000 };
    if (o.maxConnectionAgeMs !== undefined) this.maxConnectionAgeMs = o.maxConnectionAgeMs;
  }

  async open(handlers: LinkHandlers, signal: AbortSignal, context?: LinkContext): Promise<Link> {
    const socket = await openSocket(
      this.o.url,
      { maxPayload: this.o.maxPayloadBytes ?? 1024 * 1024 },
      signal,
    );
    const link = new RealtimeLink(socket, handlers, this.o, context?.clock ?? systemClock, this.memo, () =>
      this.watched(),
    );
    this.current = link;
    return link;
  }

  setInterest(symbols: ReadonlySet<string>): void {
    this.interest = new Set(symbols);
    this.current?.subscribe(this.watched());
  }

  private watched(): Set<string> {
    return new Set([...this.o.symbols, ...this.interest]);
  }
}

class RealtimeLink implements Link {
  private readonly gate = new OutOfOrderGate();
  private readonly subscribed = new Set<string>();
  private readonly instruments = new Set<string>();
  private held = new Set<string>();
  private positions = new Map<string, ReportedPosition>();
  private readonly accountId: string;
  private snapPositions: ReportedPosition[] | null = null;
  private snapAccount: ReportedAccount | null = null;
  private readonly snapOrders = new Map<string, Order>();
  private resolveSnapshot: ((s: ResyncSnapshot) => void) | null = null;
  private failSnapshot: ((e: Error) => void) | null = null;
  private readonly snapshot: Promise<ResyncSnapshot>;
  private settling = false;

  constructor(
    private readonly socket: BrokerSocket,
    private readonly h: LinkHandlers,
    private readonly o: RealtimeLinkOptions,
    private readonly clock: Clock,
    private readonly memo: Map<string, OrderMemo>,
    private readonly watched: () => Set<string>,
  ) {
    this.accountId = o.accountId ?? 'realtime';
    this.snapshot = new Promise((resolve, reject) => {
      this.resolveSnapshot = resolve;
      this.failSnapshot = reject;
    });
    this.snapshot.catch(() => undefined);
    socket.ws.on('pong', () => {
      this.h.frame();
      this.h.pong(null);
    });
    socket.attach({
      message: (data, isBinary) => this.onFrame(data, isBinary),
      oversized: (detail) => this.h.malformed('oversized frame', detail),
      error: (err) => this.o.logger.warn({ connectionId: o.connectionId, err: err.message }, 'socket error'),
      closed: (info) => {
        this.failSnapshot?.(new LinkError('network', `closed (${info.code})`));
        this.h.closed(info);
      },
    });
  }

  authenticate(): Promise<void> {
    // No authentication in the documented (paper) version.
    return Promise.resolve();
  }

  resync(signal: AbortSignal): Promise<ResyncSnapshot> {
    this.subscribe(this.watched());
    this.socket.send({ action: 'get_positions' });
    this.socket.send({ action: 'get_portfolio' });
    return new Promise((resolve, reject) => {
      const onAbort = (): void => reject(new LinkError('network', 'aborted'));
      signal.addEventListener('abort', onAbort, { once: true });
      this.snapshot.then(
        (s) => {
          signal.removeEventListener('abort', onAbort);
          resolve(s);
        },
        (err: unknown) => reject(err instanceof Error ? err : new LinkError('network', String(err))),
      );
    });
  }

  subscribe(symbols: ReadonlySet<string>): void {
    for (const s of symbols)
      if (!this.subscribed.has(s)) {
        this.subscribed.add(s);
        this.socket.send({ action: 'subscribe_ticker', symbol: s });
      }
    for (const s of [...this.subscribed])
      if (!symbols.has(s)) {
        this.subscribed.delete(s);
        this.socket.send({ action: 'unsubscribe_ticker', symbol: s });
      }
  }

  ping(): void {
    if (this.socket.open) this.socket.ws.ping();
  }

  close(code: number, reason: string): void {
    this.socket.close(code, reason);
  }

  terminate(): void {
    this.socket.terminate();
  }

  private onFrame(data: Buffer, isBinary: boolean): void {
    this.h.frame();
    const frame = readFrame(ServerFrame, data, isBinary, this.h);
    if (frame === null) return;
    const now = this.clock.now();
    switch (frame.type) {
      case 'ERROR':
        this.h.error?.(`gateway: ${frame.message ?? frame.error ?? 'error'}`);
        return;
      case 'MARKET_UPDATE': {
        this.h.data('market', frame.timestamp);
        if (!this.gate.fresh(`q:${frame.symbol}`, frame.timestamp)) return;
        this.instrument(frame.symbol);
        const p = frame.price;
        this.h.event({
          type: 'quote',
          quote: {
            symbol: frame.symbol,
            connectionId: this.o.connectionId,
            bid: p,
            ask: p,
            last: p,
            bidSize: 0,
            askSize: 0,
            // priceChange is the 24 h change (Binance ticker): the session open is price − change.
            open: frame.priceChange != null ? p - frame.priceChange : p,
            volume: frame.volume ?? 0,
            ts: frame.timestamp,
            receivedAt: now,
          },
        });
        return;
      }
      case 'POSITION_UPDATE': {
        this.h.data('positions', frame.timestamp);
        const ts = frame.timestamp;
        if (!this.gate.fresh('positions', ts)) {
          this.o.logger.info({ connectionId: this.o.connectionId }, 'out-of-order updates dropped');
          return;
        }
        const net = netPositions(frame.positions ?? [], this.accountId, ts);
        for (const p of net) this.instrument(p.symbol);
        const now2 = new Set(net.map((p) => p.symbol));
        // Always the full list: a symbol that left it is flat.
        const flat = [...this.held]
          .filter((s) => !now2.has(s))
          .map((symbol): ReportedPosition => ({
            accountId: this.accountId,
            symbol,
            qty: 0,
            avgPrice: 0,
            mark: null,
            markedAt: ts,
          }));
        this.held = now2;
        this.positions = new Map(net.map((p) => [p.symbol, p]));
        if (this.snapPositions === null && this.resolveSnapshot !== null) {
          this.snapPositions = net.filter((p) => p.qty !== 0);
          return this.maybeSnapshot();
        }
        for (const p of [...net, ...flat]) this.h.event({ type: 'position', position: p });
        return;
      }
      case 'PORTFOLIO_UPDATE': {
        this.h.data('portfolio', frame.timestamp);
        const pf = frame.portfolio;
        const account: ReportedAccount = {
          accountId: this.accountId,
          name: this.o.label,
          currency: 'USD',
          cash: pf.balance,
        };
        if (this.snapAccount === null && this.resolveSnapshot !== null) {
          this.snapAccount = account;
          return this.maybeSnapshot();
        }
        if (this.gate.fresh('portfolio', frame.timestamp)) this.h.event({ type: 'account', account });
        return;
      }
      case 'ORDER_UPDATE': {
        this.h.data('orders', frame.timestamp);
        const order = this.order(frame.orderType, frame.order, frame.timestamp, data);
        if (order === null) return;
        if (this.resolveSnapshot !== null) {
          this.snapOrders.set(order.id, order);
          return;
        }
        this.h.event({ type: 'order', order });
        return;
      }
    }
  }

  private order(orderType: string, o: RtOrder, ts: number, data: Buffer): Order | null {
    if (!this.gate.fresh(`o:${o.id}`, ts)) {
      this.o.logger.info(
        { connectionId: this.o.connectionId, orderId: o.id },
        'out-of-order updates dropped',
      );
      return null;
    }
    const memo = this.memo.get(o.id);
    const order = toOrder(
      orderType,
      {
        ...o,
        ...(o.side === undefined && memo !== undefined ? { side: memo.side } : {}),
        ...(o.quantity == null && memo !== undefined ? { quantity: memo.qty } : {}),
      },
      {
        connectionId: this.o.connectionId,
        accountId: this.accountId,
        ts,
        position: this.positions.get(o.symbol),
        createdAt: memo?.createdAt ?? ts,
      },
    );
    if (order === null) {
      this.h.malformed(`${orderType} order with unknown status, side or quantity`, data.toString('utf8'));
      return null;
    }
    if (memo === undefined) {
      this.memo.set(o.id, { side: order.side, qty: order.qty, createdAt: order.createdAt });
      if (this.memo.size > 10_000) {
        const oldest = this.memo.keys().next();
        if (oldest.done !== true) this.memo.delete(oldest.value);
      }
    }
    return order;
  }

  private maybeSnapshot(): void {
    if (this.snapPositions === null || this.snapAccount === null || this.settling) return;
    const settle = this.o.orderSettleMs ?? 1_500;
    const done = (): void => {
      const resolve = this.resolveSnapshot;
      this.resolveSnapshot = null;
      this.failSnapshot = null;
      resolve?.({
        accounts: this.snapAccount === null ? [] : [this.snapAccount],
        orders: [...this.snapOrders.values()],
        fills: [],
        positions: this.snapPositions ?? [],
      });
    };
    if (settle <= 0) return done();
    this.settling = true;
    this.clock.setTimeout(done, settle);
  }

  private instrument(symbol: string): void {
    if (this.instruments.has(symbol)) return;
    this.instruments.add(symbol);
    this.h.event({ type: 'instrument', instrument: gatewayInstrument(symbol, this.o.connectionId) });
  }
}
