/**
 * The portfolio-stream link (seed 001, `protocols/gateways.md` §1) under a Supervisor: cookie on
 * the upgrade, subscribe (the `info` reply proves the session was accepted), first `batch` after
 * subscribing as the resync snapshot (armed before `subscribe` goes out), JSON `ping` every 15 s. Every frame is parsed with zod;
 * binary, malformed, unknown and foreign-user frames are counted and dropped, never thrown.
 */
import { WebSocket } from 'ws';
import type { ConnectionEvent, ResyncSnapshot } from '../../connection';
import { type Link, type LinkAdapter, LinkError, type LinkHandlers } from '../../supervisor/link';
import type { SupervisorLogger } from '../../supervisor/supervisor';
import { orderIdOf, toAccount, toFill, toOrder, toPosition } from './mapping';
import { type BatchData, channels, ServerFrame } from './messages';

export interface PortfolioStreamLinkOptions {
  connectionId: string;
  label: string;
  url: string;
  sessionCookie: string;
  /** Pin the expected user; otherwise learned from the subscription reply. */
  userId?: string;
  heartbeatMs?: number;
  maxConnectionAgeMs?: number;
  /** Frames above this size close the socket (1009) instead of exhausting memory. */
  maxPayloadBytes?: number;
  logger: SupervisorLogger;
}

/** Trade ids remembered to drop replayed trades; bounded so a long session cannot grow it forever. */
const SEEN_TRADES = 2_000;

export class PortfolioStreamAdapter implements LinkAdapter {
  readonly heartbeatMs: number;
  readonly maxConnectionAgeMs?: number;
  /** Trade ids already turned into fills, shared across links so a reconnect cannot double them. */
  private readonly seenTrades = new Set<string>();

  constructor(private readonly o: PortfolioStreamLinkOptions) {
    this.heartbeatMs = o.heartbeatMs ?? 15_000;
    if (o.maxConnectionAgeMs !== undefined) this.maxConnectionAgeMs = o.maxConnectionAgeMs;
  }

  open(handlers: LinkHandlers, signal: AbortSignal): Promise<Link> {
    return new Promise((resolve, reject) => {
      let settled = false;
      const settle = (fn: () => void): void => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        fn();
      };
      const ws = new WebSocket(this.o.url, {
        headers: { Cookie: `session=${this.o.sessionCookie}` },
        maxPayload: this.o.maxPayloadBytes ?? 1024 * 1024,
        perMessageDeflate: false,
      });
      const onAbort = (): void => {
        ws.terminate();
        settle(() => reject(new LinkError('network', 'connect aborted')));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      ws.once('unexpected-response', (_req, res) => {
        const status = res.statusCode ?? 0;
        ws.terminate();
        const kind =
          status === 401 || status === 403
            ? 'auth'
            : status === 429 || status === 503
              ? 'capacity'
              : 'network';
        settle(() => reject(new LinkError(kind, `upgrade refused: HTTP ${status}`)));
      });
      ws.once('open', () =>
        settle(() => resolve(new PortfolioStreamLink(ws, handlers, this.o, this.seenTrades))),
      );
      ws.on('error', (err) => settle(() => reject(new LinkError('network', err.message))));
      ws.once('close', (code, reason) =>
        settle(() => reject(new LinkError('network', `closed before open (${code} ${reason.toString()})`))),
      );
    });
  }
}

interface Waiter<T> {
  resolve(v: T): void;
  reject(e: Error): void;
}

class PortfolioStreamLink implements Link {
  private userId: string | null;
  private authWaiter: Waiter<void> | null = null;
  private syncWaiter: Waiter<ResyncSnapshot> | null = null;
  /**
   * Set before `subscribe` is sent: the next batch is the full picture. The `info` reply and that
   * batch can arrive in one TCP read, and ws then delivers both synchronously, before the
   * supervisor (resumed by a promise, so a microtask later) has asked for the resync; arming here
   * keeps the snapshot from being applied as deltas and the next delta from posing as complete.
   */
  private snapshotExpected = false;
  /** The snapshot, received before `resync()` asked for it. */
  private heldSnapshot: ResyncSnapshot | null = null;
  /**
   * Updates that arrived after the snapshot, held until the supervisor has emitted it: applied
   * before it, the older snapshot would overwrite them.
   */
  private heldUpdates: (() => void)[] | null = null;
  /** Latest server timestamp applied per position / order / account: older updates arrived late. */
  private readonly appliedAt = new Map<string, number>();
  private closed = false;
  /** Why we closed the socket ourselves (ws reports 1006 when the peer never echoes our close). */
  private localClose: { code: number; reason: string } | null = null;

  constructor(
    private readonly ws: WebSocket,
    private readonly h: LinkHandlers,
    private readonly o: PortfolioStreamLinkOptions,
    private readonly seenTrades: Set<string>,
  ) {
    this.userId = o.userId ?? null;
    ws.on('message', (data: Buffer, isBinary: boolean) => this.onFrame(data, isBinary));
    ws.on('error', (err: Error & { code?: string }) => {
      if (err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
        this.localClose = { code: 1009, reason: 'frame too large' };
        this.h.malformed('oversized frame', err.message);
      } else this.o.logger.warn({ connectionId: o.connectionId, err }, 'socket error');
    });
    ws.on('close', (code: number, reason: Buffer) => {
      this.closed = true;
      const err = new LinkError('network', `closed (${code})`);
      this.authWaiter?.reject(err);
      this.syncWaiter?.reject(err);
      this.h.closed(
        code === 1006 && this.localClose !== null
          ? this.localClose
          : { code, reason: reason.toString('utf8') },
      );
    });
  }

  authenticate(signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      this.authWaiter = { resolve, reject };
      signal.addEventListener('abort', () => reject(new LinkError('network', 'aborted')), { once: true });
      this.snapshotExpected = true;
      this.send({ type: 'subscribe', channels });
    });
  }

  resync(signal: AbortSignal): Promise<ResyncSnapshot> {
    const held = this.heldSnapshot;
    if (held !== null) {
      this.heldSnapshot = null;
      this.releaseUpdatesLater();
      return Promise.resolve(held);
    }
    return new Promise((resolve, reject) => {
      this.syncWaiter = { resolve, reject };
      signal.addEventListener('abort', () => reject(new LinkError('network', 'aborted')), { once: true });
    });
  }

  ping(): void {
    this.send({ type: 'ping' });
  }

  close(code: number, reason: string): void {
    if (!this.closed) this.ws.close(code, reason);
  }

  terminate(): void {
    this.ws.terminate();
  }

  private send(msg: unknown): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(msg));
  }

  private onFrame(data: Buffer, isBinary: boolean): void {
    this.h.frame();
    if (isBinary) return this.h.malformed('binary frame', `<${data.length} bytes>`);
    const text = data.toString('utf8');
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return this.h.malformed('invalid JSON', text);
    }
    const parsed = ServerFrame.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return this.h.malformed(
        `invalid frame: ${issue ? `${issue.path.join('.')} ${issue.message}` : 'unknown'}`,
        text,
      );
    }
    const frame = parsed.data;
    if (this.userId === null) this.userId = frame.userId;
    else if (frame.userId !== this.userId) return this.h.malformed('event for another user', text);
    const accountId = this.userId;
    switch (frame.type) {
      case 'pong':
        return this.h.pong(frame.timestamp);
      case 'info':
        this.authWaiter?.resolve();
        this.authWaiter = null;
        return;
      case 'error':
        this.o.logger.warn(
          { connectionId: this.o.connectionId, code: frame.data.code, message: frame.data.message },
          'server error',
        );
        if (this.authWaiter !== null)
          this.authWaiter.reject(new LinkError('protocol', `${frame.data.code}: ${frame.data.message}`));
        this.authWaiter = null;
        return;
      case 'batch':
        this.h.data('portfolio', frame.timestamp);
        if (this.snapshotExpected) {
          this.snapshotExpected = false;
          return this.snapshotReceived(this.snapshot(frame.data, accountId, frame.timestamp));
        }
        return this.update(frame.data, accountId, frame.timestamp);
      case 'position_update':
        this.h.data('portfolio', frame.timestamp);
        return this.update({ positions: [frame.data], orders: [], trades: [] }, accountId, frame.timestamp);
      case 'order_update':
        this.h.data('portfolio', frame.timestamp);
        return this.update({ positions: [], orders: [frame.data], trades: [] }, accountId, frame.timestamp);
      case 'account_update':
        this.h.data('portfolio', frame.timestamp);
        return this.update(
          { positions: [], orders: [], trades: [], account: frame.data },
          accountId,
          frame.timestamp,
        );
      case 'trade_executed':
        this.h.data('portfolio', frame.timestamp);
        return this.update({ positions: [], orders: [], trades: [frame.data] }, accountId, frame.timestamp);
    }
  }

  /** Hand the snapshot to a waiting `resync()`, or keep it for the one about to come. */
  private snapshotReceived(snap: ResyncSnapshot): void {
    this.heldUpdates = [];
    const waiter = this.syncWaiter;
    if (waiter === null) {
      this.heldSnapshot = snap;
      return;
    }
    this.syncWaiter = null;
    waiter.resolve(snap);
    this.releaseUpdatesLater();
  }

  /**
   * The supervisor emits the snapshot in the microtasks that follow the hand-over, but frames left
   * in the same socket read are handled before those. Release the held updates on `setImmediate`,
   * after both; frames of later reads that come first are queued behind them, so order is kept.
   */
  private releaseUpdatesLater(): void {
    setImmediate(() => {
      const held = this.heldUpdates ?? [];
      this.heldUpdates = null;
      if (!this.closed) for (const run of held) run();
    });
  }

  private update(data: BatchData, accountId: string, ts: number): void {
    if (this.heldUpdates !== null) this.heldUpdates.push(() => this.apply(data, accountId, ts));
    else this.apply(data, accountId, ts);
  }

  /** True when `key` has not seen a newer server timestamp; records `ts` as applied. */
  private fresh(key: string, ts: number): boolean {
    const last = this.appliedAt.get(key);
    if (last !== undefined && ts < last) return false;
    this.appliedAt.set(key, ts);
    return true;
  }

  private apply(data: BatchData, accountId: string, ts: number): void {
    const cid = this.o.connectionId;
    const out: ConnectionEvent[] = [];
    let late = 0;
    for (const p of data.positions) {
      if (this.fresh(`p:${p.symbol}`, ts))
        out.push({ type: 'position', position: toPosition(p, accountId, ts) });
      else late += 1;
    }
    for (const d of data.orders) {
      if (!this.fresh(`o:${d.orderId}`, ts)) {
        late += 1;
        continue;
      }
      const order = toOrder(d, cid, accountId, ts);
      if (order === null) this.h.malformed('order with non-positive quantity', JSON.stringify(d));
      else out.push({ type: 'order', order });
    }
    if (data.account != null) {
      if (this.fresh('a', ts))
        out.push({ type: 'account', account: toAccount(data.account, accountId, this.o.label) });
      else late += 1;
    }
    for (const t of data.trades) {
      if (this.seenTrades.has(t.tradeId)) continue;
      const fill = toFill(t, cid, accountId, orderIdOf(t, data.orders));
      if (fill === null) {
        this.h.malformed('trade with non-positive quantity', JSON.stringify(t));
        continue;
      }
      this.remember(t.tradeId);
      out.push({ type: 'fill', fill });
    }
    if (late > 0) this.o.logger.info({ connectionId: cid, late }, 'out-of-order updates dropped');
    for (const e of out) this.h.event(e);
  }

  private snapshot(data: BatchData, accountId: string, ts: number): ResyncSnapshot {
    const cid = this.o.connectionId;
    const orders = [];
    for (const d of data.orders) {
      this.fresh(`o:${d.orderId}`, ts);
      const o = toOrder(d, cid, accountId, ts);
      if (o !== null) orders.push(o);
    }
    for (const p of data.positions) this.fresh(`p:${p.symbol}`, ts);
    const fills = [];
    for (const t of data.trades) {
      const f = toFill(t, cid, accountId, orderIdOf(t, data.orders));
      if (f !== null) {
        this.remember(t.tradeId);
        fills.push(f);
      }
    }
    this.fresh('a', ts);
    const account = data.account ?? null;
    return {
      accounts: account === null ? [] : [toAccount(account, accountId, this.o.label)],
      orders,
      fills,
      positions: data.positions.filter((p) => p.quantity !== 0).map((p) => toPosition(p, accountId, ts)),
    };
  }

  private remember(tradeId: string): void {
    this.seenTrades.add(tradeId);
    if (this.seenTrades.size > SEEN_TRADES) {
      const oldest = this.seenTrades.values().next();
      if (oldest.done !== true) this.seenTrades.delete(oldest.value);
    }
  }
}
