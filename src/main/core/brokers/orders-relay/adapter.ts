/**
 * The orders-relay link (seed 002, `protocols/gateways.md` §2): two sockets of one relay — orders
 * and positions — each opened with the JWT in its `token` query parameter, each streaming
 * TradeStation v3 objects, a snapshot closed by `{"StreamStatus":"EndSnapshot"}` and then live
 * updates. Only protocol lives here; opening, the resync gate, liveness and rotation are the
 * supervisor's, fill dedupe by id the ledger's.
 *
 * Quirks handled (seed 002 and TradeStation's streams, brokers.md §4):
 * - the relay forwards frames as it got them, sometimes binary: bytes are decoded as UTF-8 text;
 * - `Heartbeat` objects arrive after 5 s of idleness: they only prove the socket alive;
 * - `GoAway` (as `StreamStatus` or as `Error`) comes before the stream ends: rotate now;
 * - `{type:"proxy_error"}` is the relay's upstream failure: the connection's last error;
 * - orders carry cumulative `ExecQuantity` and no execution ids or update time (see mapping.ts).
 */
import { parseJsonFrame } from '../../../../shared/frames';
import type { Order } from '../../../../shared/domain';
import type { ConnectionEvent, ReportedPosition, ResyncSnapshot } from '../../connection';
import { type Clock, systemClock } from '../../supervisor/clock';
import {
  type CloseInfo,
  type HeartbeatOptions,
  heartbeatFromInterval,
  type Link,
  type LinkAdapter,
  type LinkContext,
  LinkError,
  type LinkHandlers,
  type LinkSocketSpec,
} from '../../supervisor/link';
import type { SupervisorLogger } from '../../supervisor/supervisor';
import { OutOfOrderGate } from '../kit/gate';
import { type BrokerSocket, openSockets } from '../kit/socket';
import { CumulativeFills, filledOf, toOrder, toPosition } from './mapping';
import {
  AnyObject,
  frameKind,
  OrderFrame,
  PositionDeleted,
  PositionFrame,
  ProxyErrorFrame,
  StreamErrorFrame,
  StreamStatusFrame,
} from './messages';

export type RelaySocket = 'orders' | 'positions';
const SOCKETS: readonly RelaySocket[] = ['orders', 'positions'];

export interface OrdersRelayLinkOptions {
  connectionId: string;
  label: string;
  ordersUrl: string;
  positionsUrl: string;
  token: string;
  /** One figure (probe interval; dead after two). Default: probe 15 s, dead after 20 s of silence. */
  heartbeatMs?: number;
  maxConnectionAgeMs?: number;
  maxPayloadBytes?: number;
  logger: SupervisorLogger;
}

/** The socket URL with the JWT in its `token` query parameter. Never logged or shown. */
export function withToken(url: string, token: string): string {
  const u = new URL(url);
  u.searchParams.set('token', token);
  return u.toString();
}

export class OrdersRelayAdapter implements LinkAdapter {
  readonly sockets: readonly LinkSocketSpec[] = [
    // Both carry account state (orders, positions): either one silent means the link is dead.
    { name: 'orders', essential: true },
    { name: 'positions', essential: true },
  ];
  readonly heartbeat: HeartbeatOptions;
  readonly maxConnectionAgeMs?: number;
  /** Outlives each link: a reconnect snapshot re-sends every order and must add only what is new. */
  private readonly fills = new CumulativeFills();

  constructor(private readonly o: OrdersRelayLinkOptions) {
    // The relay sends a Heartbeat after 5 s of idleness; our WebSocket ping measures RTT (the
    // relay's ws server answers pings itself, the seed's protocol has no ping message).
    this.heartbeat =
      o.heartbeatMs !== undefined
        ? heartbeatFromInterval(o.heartbeatMs)
        : { keepaliveMs: null, silenceMs: 20_000, probeMs: 15_000 };
    if (o.maxConnectionAgeMs !== undefined) this.maxConnectionAgeMs = o.maxConnectionAgeMs;
  }

  async open(handlers: LinkHandlers, signal: AbortSignal, context?: LinkContext): Promise<Link> {
    const options = { maxPayload: this.o.maxPayloadBytes ?? 4 * 1024 * 1024 };
    const sockets = await openSockets(
      {
        orders: { url: withToken(this.o.ordersUrl, this.o.token), options },
        positions: { url: withToken(this.o.positionsUrl, this.o.token), options },
      },
      signal,
    );
    return new OrdersRelayLink(sockets, handlers, this.o, this.fills, context?.clock ?? systemClock);
  }
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve(v: T): void;
  reject(e: Error): void;
  settled: boolean;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  const d: Deferred<T> = {
    promise,
    settled: false,
    resolve: (v) => {
      if (d.settled) return;
      d.settled = true;
      resolve(v);
    },
    reject: (e) => {
      if (d.settled) return;
      d.settled = true;
      reject(e);
    },
  };
  // Never an unhandled rejection if the link dies before anyone awaits it.
  promise.catch(() => undefined);
  return d;
}

class OrdersRelayLink implements Link {
  private readonly accepted = deferred<true>();
  private readonly snapshot = deferred<ResyncSnapshot>();
  /** Per socket: still inside the initial snapshot (before its EndSnapshot). */
  private readonly inSnapshot = new Set<RelaySocket>(SOCKETS);
  private readonly snapOrders = new Map<string, Order>();
  private readonly snapFills: ResyncSnapshot['fills'] = [];
  private readonly snapPositions = new Map<string, ReportedPosition>();
  /** Position ids → account and symbol, for deletion markers that carry only the id. */
  private readonly positionIds = new Map<string, { accountId: string; symbol: string }>();
  private readonly gate = new OutOfOrderGate();
  /** Highest cumulative quantity applied per order: an older copy must not roll it back. */
  private readonly progress = new Map<string, number>();
  private goAway = false;
  private lastProxyError: string | null = null;
  private closedOnce = false;

  constructor(
    private readonly sockets: Record<RelaySocket, BrokerSocket>,
    private readonly h: LinkHandlers,
    private readonly o: OrdersRelayLinkOptions,
    private readonly fills: CumulativeFills,
    private readonly clock: Clock,
  ) {
    for (const name of SOCKETS) {
      const socket = sockets[name];
      socket.ws.on('pong', () => {
        this.h.frame(name);
        this.h.pong(null, name);
      });
      socket.attach({
        message: (data, isBinary) => this.onFrame(name, data, isBinary),
        oversized: (detail) => this.h.malformed(`oversized frame on ${name}`, detail),
        error: (err) =>
          this.o.logger.warn(
            { connectionId: o.connectionId, socket: name, err: err.message },
            'socket error',
          ),
        closed: (info) => this.onClosed(name, info),
      });
    }
  }

  async authenticate(signal: AbortSignal): Promise<void> {
    // The relay checks the token after the upgrade and closes 1008 when it is bad; its first
    // forwarded frame is the proof it accepted us.
    await this.abortable(this.accepted.promise, signal);
  }

  resync(signal: AbortSignal): Promise<ResyncSnapshot> {
    return this.abortable(this.snapshot.promise, signal);
  }

  ping(socket?: string): void {
    const s = this.sockets[(socket as RelaySocket | undefined) ?? 'orders'];
    if (s.open) s.ws.ping();
  }

  close(code: number, reason: string): void {
    for (const name of SOCKETS) this.sockets[name].close(code, reason);
  }

  terminate(): void {
    for (const name of SOCKETS) this.sockets[name].terminate();
  }

  // ---- frames --------------------------------------------------------------------------------

  private onFrame(socket: RelaySocket, data: Buffer, isBinary: boolean): void {
    this.h.frame(socket);
    this.accepted.resolve(true);
    // The seed's relay forwards Buffers as they came: a binary frame is still UTF-8 JSON.
    const parsed = parseJsonFrame(AnyObject, isBinary ? data.toString('utf8') : data, false);
    if (!parsed.ok) {
      this.h.malformed(isBinary ? `binary frame: ${parsed.detail}` : parsed.detail, parsed.sample);
      return;
    }
    const raw = parsed.value;
    const now = this.clock.now();
    switch (frameKind(raw)) {
      case 'heartbeat':
        return;
      case 'status': {
        const f = StreamStatusFrame.safeParse(raw);
        if (!f.success) return this.h.malformed('invalid StreamStatus', parsed.text);
        if (f.data.StreamStatus === 'EndSnapshot') return this.endSnapshot(socket);
        if (f.data.StreamStatus === 'GoAway') return this.onGoAway(socket);
        this.o.logger.info(
          { connectionId: this.o.connectionId, socket, status: f.data.StreamStatus },
          'stream status',
        );
        return;
      }
      case 'proxy-error': {
        const f = ProxyErrorFrame.safeParse(raw);
        const message = `relay: ${(f.success ? f.data.error : undefined) ?? 'proxy error'}`;
        this.lastProxyError = message;
        this.h.error?.(message);
        return;
      }
      case 'stream-error': {
        const f = StreamErrorFrame.safeParse(raw);
        if (!f.success) return this.h.malformed('invalid stream error', parsed.text);
        if (f.data.Error === 'GoAway') return this.onGoAway(socket);
        // TradeStation: an error ends the stream; the client ends it and retries after a delay.
        const message = `${f.data.Error}${f.data.Message === undefined ? '' : `: ${f.data.Message}`}`;
        this.h.error?.(message);
        this.sockets[socket].close(1011, message.slice(0, 120));
        return;
      }
      case 'order': {
        const f = OrderFrame.safeParse(raw);
        if (!f.success) return this.h.malformed(issue('order', f.error.issues), parsed.text);
        return this.onOrder(socket, f.data, now, parsed.text);
      }
      case 'position': {
        const f = PositionFrame.safeParse(raw);
        if (!f.success) return this.h.malformed(issue('position', f.error.issues), parsed.text);
        return this.onPosition(socket, toPosition(f.data, now), f.data.PositionID);
      }
      case 'position-deleted': {
        const f = PositionDeleted.safeParse(raw);
        const known = f.success ? this.positionIds.get(f.data.PositionID) : undefined;
        const accountId = known?.accountId ?? (f.success ? f.data.AccountID : undefined);
        const symbol = known?.symbol ?? (f.success ? f.data.Symbol : undefined);
        if (!f.success || accountId === undefined || symbol === undefined)
          return this.h.malformed('deletion of an unknown position', parsed.text);
        const flat: ReportedPosition = { accountId, symbol, qty: 0, avgPrice: 0, mark: null, markedAt: null };
        return this.onPosition(socket, flat, f.data.PositionID);
      }
      case 'unknown':
        return this.h.malformed('unknown frame', parsed.text);
    }
  }

  private onOrder(socket: RelaySocket, f: OrderFrame, now: number, text: string): void {
    const cid = this.o.connectionId;
    const order = toOrder(f, { connectionId: cid, now });
    if (order === null) {
      this.h.malformed(`order not representable (status ${f.Status})`, text);
      return;
    }
    // A reordered older copy of a cumulative snapshot would roll the fills back: dropped.
    const cum = filledOf(f);
    if (cum < (this.progress.get(f.OrderID) ?? 0)) {
      this.o.logger.info({ connectionId: cid, orderId: f.OrderID }, 'out-of-order updates dropped');
      return;
    }
    this.progress.set(f.OrderID, cum);
    const fill = this.fills.next(f, cid, now);
    if (socket === 'orders' && this.inSnapshot.has('orders')) {
      this.snapOrders.set(order.id, order);
      if (fill !== null) this.snapFills.push(fill);
      return;
    }
    this.h.data('orders', null);
    this.h.event({ type: 'order', order });
    if (fill !== null) this.h.event({ type: 'fill', fill });
  }

  private onPosition(socket: RelaySocket, p: ReportedPosition, positionId: string): void {
    this.positionIds.set(positionId, { accountId: p.accountId, symbol: p.symbol });
    const key = `${p.accountId}:${p.symbol}`;
    if (p.markedAt !== null && !this.gate.fresh(key, p.markedAt)) {
      this.o.logger.info(
        { connectionId: this.o.connectionId, symbol: p.symbol },
        'out-of-order updates dropped',
      );
      return;
    }
    if (socket === 'positions' && this.inSnapshot.has('positions')) {
      if (p.qty === 0) this.snapPositions.delete(key);
      else this.snapPositions.set(key, p);
      return;
    }
    this.h.data('positions', p.markedAt);
    const event: ConnectionEvent = { type: 'position', position: p };
    this.h.event(event);
  }

  private endSnapshot(socket: RelaySocket): void {
    if (!this.inSnapshot.delete(socket)) return;
    if (this.inSnapshot.size > 0) return;
    this.snapshot.resolve({
      accounts: [],
      orders: [...this.snapOrders.values()],
      fills: this.snapFills.splice(0),
      positions: [...this.snapPositions.values()],
    });
    this.snapOrders.clear();
    this.snapPositions.clear();
  }

  private onGoAway(socket: RelaySocket): void {
    if (this.goAway) return;
    this.goAway = true;
    this.o.logger.info({ connectionId: this.o.connectionId, socket }, 'GoAway: opening a new stream now');
    this.h.rotate?.('GoAway');
  }

  private onClosed(socket: RelaySocket, info: CloseInfo): void {
    this.accepted.reject(new LinkError('network', `${socket} socket closed (${info.code})`));
    this.snapshot.reject(new LinkError('network', `${socket} socket closed (${info.code})`));
    if (this.closedOnce) return;
    this.closedOnce = true;
    // One leg gone ends the link: the other leg must not linger as a second session.
    for (const name of SOCKETS) if (name !== socket) this.sockets[name].terminate();
    // After GoAway the relay's cut is expected, whatever code it used: retry, never stop.
    if (this.goAway && info.code !== 1008) return this.h.closed({ code: 1001, reason: 'GoAway' });
    const reason =
      info.reason.trim() === '' && this.lastProxyError !== null ? this.lastProxyError : info.reason;
    this.h.closed({ code: info.code, reason });
  }

  private abortable<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
    return new Promise((resolve, reject) => {
      const onAbort = (): void => reject(new LinkError('network', 'aborted'));
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      p.then(
        (v) => {
          signal.removeEventListener('abort', onAbort);
          resolve(v);
        },
        (err: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(err instanceof Error ? err : new LinkError('network', String(err)));
        },
      );
    });
  }
}

function issue(what: string, issues: readonly { path: PropertyKey[]; message: string }[]): string {
  const first = issues[0];
  return `invalid ${what}: ${first === undefined ? 'unknown' : `${first.path.map(String).join('.')} ${first.message}`}`;
}
