/**
 * The portfolio-stream link (seed 001, `protocols/gateways.md` §1) on the adapter kit: cookie on
 * the upgrade, subscribe (the `info` reply proves the session was accepted), first `batch` after
 * subscribing as the resync snapshot, JSON `ping` every 15 s. Every frame is parsed with zod;
 * binary, malformed, unknown and foreign-user frames are counted and dropped, never thrown.
 * Only protocol lives here: opening, the resync gate, liveness and fill dedupe (the ledger's) do not.
 */
import type { ConnectionEvent, ResyncSnapshot } from '../../connection';
import { type Clock, systemClock } from '../../supervisor/clock';
import {
  type Link,
  type LinkAdapter,
  type LinkContext,
  LinkError,
  type LinkHandlers,
} from '../../supervisor/link';
import type { SupervisorLogger } from '../../supervisor/supervisor';
import { readFrame } from '../kit/frames';
import { OutOfOrderGate } from '../kit/gate';
import { PendingRequests } from '../kit/pending';
import { type BrokerSocket, openSocket } from '../kit/socket';
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

export class PortfolioStreamAdapter implements LinkAdapter {
  readonly heartbeatMs: number;
  readonly maxConnectionAgeMs?: number;

  constructor(private readonly o: PortfolioStreamLinkOptions) {
    this.heartbeatMs = o.heartbeatMs ?? 15_000;
    if (o.maxConnectionAgeMs !== undefined) this.maxConnectionAgeMs = o.maxConnectionAgeMs;
  }

  async open(handlers: LinkHandlers, signal: AbortSignal, context?: LinkContext): Promise<Link> {
    const socket = await openSocket(
      this.o.url,
      {
        headers: { Cookie: `session=${this.o.sessionCookie}` },
        maxPayload: this.o.maxPayloadBytes ?? 1024 * 1024,
      },
      signal,
    );
    return new PortfolioStreamLink(socket, handlers, this.o, context?.clock ?? null);
  }
}

/** The two replies this protocol waits for; it has no request ids, so each has a fixed key. */
type Reply = 'subscribed' | 'snapshot';

class PortfolioStreamLink implements Link {
  private userId: string | null;
  private readonly replies: PendingRequests<Reply>;
  /**
   * Set before `subscribe` is sent: the next batch is the full picture. The `info` reply and that
   * batch can arrive in one TCP read and are then handled in the same tick, before the supervisor
   * has asked for the resync; the snapshot waiter is registered up front so the batch lands there
   * rather than being applied as deltas (and the next delta posing as complete). Updates behind
   * it are held by the supervisor's resync gate.
   */
  private snapshot: Promise<ResyncSnapshot> | null = null;
  private readonly gate = new OutOfOrderGate();

  constructor(
    private readonly socket: BrokerSocket,
    private readonly h: LinkHandlers,
    private readonly o: PortfolioStreamLinkOptions,
    clock: Clock | null,
  ) {
    this.userId = o.userId ?? null;
    // No deadlines here: the supervisor's connect timeout bounds authenticate and resync.
    this.replies = new PendingRequests<Reply>(clock ?? systemClock);
    socket.attach({
      message: (data, isBinary) => this.onFrame(data, isBinary),
      oversized: (detail) => this.h.malformed('oversized frame', detail),
      error: (err) => this.o.logger.warn({ connectionId: o.connectionId, err }, 'socket error'),
      closed: (info) => {
        this.replies.close(`closed (${info.code})`);
        this.h.closed(info);
      },
    });
  }

  async authenticate(signal: AbortSignal): Promise<void> {
    const subscribed = this.replies.wait('subscribed', { op: 'subscribe', signal });
    this.snapshot = this.replies.wait('snapshot', { op: 'snapshot' }) as Promise<ResyncSnapshot>;
    // Never an unhandled rejection if the link dies before resync() is asked for.
    this.snapshot.catch(() => undefined);
    this.socket.send({ type: 'subscribe', channels });
    await subscribed.catch((err: unknown) => {
      throw asLinkError(err);
    });
  }

  resync(signal: AbortSignal): Promise<ResyncSnapshot> {
    const snap = this.snapshot;
    if (snap === null) return Promise.reject(new LinkError('protocol', 'resync before subscribe'));
    return new Promise((resolve, reject) => {
      const onAbort = (): void => reject(new LinkError('network', 'aborted'));
      signal.addEventListener('abort', onAbort, { once: true });
      snap.then(
        (s) => {
          signal.removeEventListener('abort', onAbort);
          resolve(s);
        },
        (err: unknown) => reject(asLinkError(err)),
      );
    });
  }

  ping(): void {
    this.socket.send({ type: 'ping' });
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
    if (this.userId === null) this.userId = frame.userId;
    else if (frame.userId !== this.userId)
      return this.h.malformed('event for another user', data.toString('utf8'));
    const accountId = this.userId;
    switch (frame.type) {
      case 'pong':
        return this.h.pong(frame.timestamp);
      case 'info':
        this.replies.resolve('subscribed', undefined);
        return;
      case 'error':
        this.o.logger.warn(
          { connectionId: this.o.connectionId, code: frame.data.code, message: frame.data.message },
          'server error',
        );
        this.replies.reject(
          'subscribed',
          new LinkError('protocol', `${frame.data.code}: ${frame.data.message}`),
        );
        return;
      case 'batch':
        this.h.data('portfolio', frame.timestamp);
        if (this.replies.has('snapshot')) {
          this.replies.resolve('snapshot', this.toSnapshot(frame.data, accountId, frame.timestamp));
          return;
        }
        return this.apply(frame.data, accountId, frame.timestamp);
      case 'position_update':
        this.h.data('portfolio', frame.timestamp);
        return this.apply({ positions: [frame.data], orders: [], trades: [] }, accountId, frame.timestamp);
      case 'order_update':
        this.h.data('portfolio', frame.timestamp);
        return this.apply({ positions: [], orders: [frame.data], trades: [] }, accountId, frame.timestamp);
      case 'account_update':
        this.h.data('portfolio', frame.timestamp);
        return this.apply(
          { positions: [], orders: [], trades: [], account: frame.data },
          accountId,
          frame.timestamp,
        );
      case 'trade_executed':
        this.h.data('portfolio', frame.timestamp);
        return this.apply({ positions: [], orders: [], trades: [frame.data] }, accountId, frame.timestamp);
    }
  }

  private apply(data: BatchData, accountId: string, ts: number): void {
    const cid = this.o.connectionId;
    const out: ConnectionEvent[] = [];
    let late = 0;
    for (const p of data.positions) {
      if (this.gate.fresh(`p:${p.symbol}`, ts))
        out.push({ type: 'position', position: toPosition(p, accountId, ts) });
      else late += 1;
    }
    for (const d of data.orders) {
      if (!this.gate.fresh(`o:${d.orderId}`, ts)) {
        late += 1;
        continue;
      }
      const order = toOrder(d, cid, accountId, ts);
      if (order === null) this.h.malformed('order with non-positive quantity', JSON.stringify(d));
      else out.push({ type: 'order', order });
    }
    if (data.account != null) {
      if (this.gate.fresh('a', ts))
        out.push({ type: 'account', account: toAccount(data.account, accountId, this.o.label) });
      else late += 1;
    }
    // Replayed trades pass through: the ledger dedupes fills by execution id.
    for (const t of data.trades) {
      const fill = toFill(t, cid, accountId, orderIdOf(t, data.orders));
      if (fill === null) this.h.malformed('trade with non-positive quantity', JSON.stringify(t));
      else out.push({ type: 'fill', fill });
    }
    if (late > 0) this.o.logger.info({ connectionId: cid, late }, 'out-of-order updates dropped');
    for (const e of out) this.h.event(e);
  }

  private toSnapshot(data: BatchData, accountId: string, ts: number): ResyncSnapshot {
    const cid = this.o.connectionId;
    const orders = [];
    for (const d of data.orders) {
      this.gate.fresh(`o:${d.orderId}`, ts);
      const o = toOrder(d, cid, accountId, ts);
      if (o !== null) orders.push(o);
    }
    for (const p of data.positions) this.gate.fresh(`p:${p.symbol}`, ts);
    const fills = [];
    for (const t of data.trades) {
      const f = toFill(t, cid, accountId, orderIdOf(t, data.orders));
      if (f !== null) fills.push(f);
    }
    this.gate.fresh('a', ts);
    const account = data.account ?? null;
    return {
      accounts: account === null ? [] : [toAccount(account, accountId, this.o.label)],
      orders,
      fills,
      positions: data.positions.filter((p) => p.quantity !== 0).map((p) => toPosition(p, accountId, ts)),
    };
  }
}

/** The supervisor's policy reads `LinkError` kinds; a closed link is a network failure. */
function asLinkError(err: unknown): Error {
  if (err instanceof LinkError) return err;
  return new LinkError('network', err instanceof Error ? err.message : String(err));
}
