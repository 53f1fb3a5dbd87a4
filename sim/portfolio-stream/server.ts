/**
 * The portfolio-stream gateway of seed 001 (`protocols/gateways.md` §1) on loopback: session-cookie
 * auth on the upgrade, channel subscriptions, 1-second batches, ping/pong, per-user and total
 * connection limits, a per-connection message-rate limit, the admin stats endpoint and strict
 * per-user isolation. Behaviour the seed leaves vague is an option (see `PortfolioStreamSimOptions`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { type Authorization, json, type SimClient, SimServer } from '../base';
import { World } from '../world';
import { type BatchData, PortfolioBook } from './book';
import { portfolioStreamCodec } from './codec';

export const CHANNELS = ['positions', 'orders', 'account', 'trades'] as const;
type Channel = (typeof CHANNELS)[number];

export interface PortfolioStreamSimOptions {
  port?: number;
  /** session id → user id. */
  sessions?: Record<string, string>;
  batchIntervalMs?: number;
  maxConnectionsPerUser?: number;
  maxConnectionsTotal?: number;
  maxMessagesPerSec?: number;
  /** Send the full portfolio as a batch right after a subscription (the adapter's resync). */
  snapshotOnSubscribe?: boolean;
  /**
   * Write the `info` reply and the snapshot batch in one TCP write, so the client reads both at
   * once (what a busy gateway or a coalescing proxy does). Default false: two writes.
   */
  coalesceSubscribeReply?: boolean;
  /** Close connections older than this with 1001 (brokers that cut connections at a fixed age). */
  maxConnectionAgeMs?: number;
  seed?: number;
  /** Serve this world (its venue and accounts) instead of one of our own seeded with `seed`. */
  world?: World;
}

export interface ClientMeta {
  userId: string;
  sessionId: string;
  channels: Set<Channel>;
}

const ClientMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('subscribe'), channels: z.array(z.string()) }),
  z.object({ type: z.literal('unsubscribe'), channels: z.array(z.string()) }),
  z.object({ type: z.literal('ping') }),
]);

export const DEMO_SESSION = 'demo-session-0001';
export const DEMO_USER = 'user-demo';

export class PortfolioStreamSim extends SimServer<ClientMeta> {
  private readonly sessions: Map<string, string>;
  private readonly expired = new Set<string>();
  private readonly books = new Map<string, PortfolioBook>();
  readonly world: World;
  private readonly o: Required<
    Omit<PortfolioStreamSimOptions, 'port' | 'sessions' | 'maxConnectionAgeMs' | 'world'>
  > & {
    maxConnectionAgeMs: number | null;
  };
  private timer: ReturnType<typeof setInterval> | null = null;
  private events = 0;
  private messagesDelivered = 0;
  private readonly disconnects: number[] = [];
  /** Connections ever accepted, and the most that were open at once (tests of limits and rotation). */
  accepted = 0;
  peakConnections = 0;

  constructor(opts: PortfolioStreamSimOptions = {}) {
    super({
      name: 'portfolio-stream',
      wsPath: '/ws/portfolio',
      port: opts.port,
      codec: portfolioStreamCodec,
      inboundRate: { limit: opts.maxMessagesPerSec ?? 100 },
    });
    this.sessions = new Map(
      Object.entries(opts.sessions ?? { [DEMO_SESSION]: DEMO_USER, 'other-session-0002': 'user-other' }),
    );
    this.o = {
      batchIntervalMs: opts.batchIntervalMs ?? 1000,
      maxConnectionsPerUser: opts.maxConnectionsPerUser ?? 5,
      maxConnectionsTotal: opts.maxConnectionsTotal ?? 100,
      maxMessagesPerSec: opts.maxMessagesPerSec ?? 100,
      snapshotOnSubscribe: opts.snapshotOnSubscribe ?? true,
      coalesceSubscribeReply: opts.coalesceSubscribeReply ?? false,
      maxConnectionAgeMs: opts.maxConnectionAgeMs ?? null,
      seed: opts.seed ?? 42,
    };
    this.world = opts.world ?? new World({ seed: this.o.seed });
  }

  /** Add or replace a session (e.g. after `expire-credentials`, a fresh login). */
  addSession(sessionId: string, userId: string): void {
    this.sessions.set(sessionId, userId);
    this.expired.delete(sessionId);
  }

  book(userId: string): PortfolioBook {
    let b = this.books.get(userId);
    if (b === undefined) {
      b = new PortfolioBook(this.world.account(userId, { cash: 50_000 }), this.world.venue, Date.now());
      this.books.set(userId, b);
    }
    return b;
  }

  protected override onStart(): void {
    this.timer = setInterval(() => this.tick(), this.o.batchIntervalMs);
  }

  protected override onStop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  protected override authorize(req: IncomingMessage): Authorization<ClientMeta> {
    const sessionId = parseCookie(req.headers.cookie ?? '', 'session');
    const userId = sessionId === null ? undefined : this.sessions.get(sessionId);
    if (sessionId === null || userId === undefined || this.expired.has(sessionId))
      return { ok: false, code: 1008, reason: 'Authentication required' };
    if (this.connectionCount >= this.o.maxConnectionsTotal)
      return { ok: false, code: 1013, reason: 'Server at capacity' };
    const mine = this.clientsWhere((c) => c.meta.userId === userId).length;
    if (mine >= this.o.maxConnectionsPerUser)
      return { ok: false, code: 1008, reason: 'Maximum connections exceeded' };
    return {
      ok: true,
      meta: { userId, sessionId, channels: new Set() },
    };
  }

  protected override onOpen(client: SimClient<ClientMeta>): void {
    this.accepted += 1;
    this.peakConnections = Math.max(this.peakConnections, this.connectionCount);
    this.book(client.meta.userId);
  }

  protected override onClose(): void {
    this.disconnects.push(Date.now());
  }

  protected override onMessage(client: SimClient<ClientMeta>, data: Buffer, isBinary: boolean): void {
    const now = Date.now();
    let parsed: z.infer<typeof ClientMessage>;
    try {
      const r = ClientMessage.safeParse(isBinary ? null : JSON.parse(data.toString('utf8')));
      if (!r.success) throw new Error('bad message');
      parsed = r.data;
    } catch {
      this.emit(client, 'error', {
        code: 'INVALID_MESSAGE',
        message: 'Message could not be parsed',
        details: {},
      });
      return;
    }
    if (parsed.type === 'ping') {
      this.emit(client, 'pong', {});
      return;
    }
    const bad = parsed.channels.filter((c) => !(CHANNELS as readonly string[]).includes(c));
    if (bad.length > 0) {
      this.emit(client, 'error', {
        code: 'SUBSCRIPTION_FAILED',
        message: 'Invalid channel name',
        details: { channel: bad[0] },
      });
      return;
    }
    const channels = parsed.channels as Channel[];
    if (parsed.type === 'unsubscribe') {
      for (const c of channels) client.meta.channels.delete(c);
      this.emit(client, 'info', { message: 'Unsubscribed', channels });
      return;
    }
    for (const c of channels) client.meta.channels.add(c);
    // Corked, both frames leave in one write (ws's own cork/uncork per frame nests inside ours).
    const coalesce = this.o.coalesceSubscribeReply && this.o.snapshotOnSubscribe;
    if (coalesce) client.socket.cork();
    this.emit(client, 'info', { message: 'Subscribed', channels: [...client.meta.channels] });
    if (this.o.snapshotOnSubscribe) this.sendBatch(client, this.book(client.meta.userId).full(now));
    if (coalesce) client.socket.uncork();
  }

  protected override route(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method === 'GET' && (req.url ?? '').split('?')[0] === '/api/admin/websocket-stats') {
      json(res, 200, this.stats());
      return true;
    }
    return false;
  }

  protected override expireCredentials(): void {
    for (const id of this.sessions.keys()) this.expired.add(id);
    for (const c of this.clients.values()) c.ws.close(1008, 'Authentication required');
  }

  stats(): Record<string, unknown> {
    const now = Date.now();
    while (this.disconnects.length > 0 && (this.disconnects[0] ?? now) < now - 60_000)
      this.disconnects.shift();
    const efficiency = this.events === 0 ? 0 : Math.max(0, 1 - this.messagesDelivered / this.events) * 100;
    return {
      status: 'healthy',
      enabled: true,
      activeConnections: this.connectionCount,
      totalMessagesDelivered: this.messagesDelivered,
      performance: {
        batchEfficiency: `${efficiency.toFixed(1)}%`,
        disconnectRatePerMinute: this.disconnects.length.toFixed(2),
      },
    };
  }

  private tick(): void {
    const now = Date.now();
    // The world may also run its own clock (other endpoints); advancing to now is idempotent.
    this.world.advanceTo(now);
    for (const book of this.books.values()) {
      book.step(now);
      const data = book.drain();
      this.events += data.positions.length + data.orders.length + data.trades.length + (data.account ? 1 : 0);
      for (const c of this.clientsWhere((x) => x.meta.userId === book.userId)) this.sendBatch(c, data);
    }
    if (this.o.maxConnectionAgeMs !== null) {
      const limit = this.o.maxConnectionAgeMs;
      for (const c of this.clientsWhere((x) => now - x.openedAt >= limit))
        c.ws.close(1001, 'Maximum connection age');
    }
  }

  private sendBatch(client: SimClient<ClientMeta>, data: BatchData): void {
    const ch = client.meta.channels;
    const filtered = {
      positions: ch.has('positions') ? data.positions : [],
      orders: ch.has('orders') ? data.orders : [],
      ...(ch.has('account') && data.account !== undefined ? { account: data.account } : {}),
      trades: ch.has('trades') ? data.trades : [],
    };
    if (
      filtered.positions.length + filtered.orders.length + filtered.trades.length === 0 &&
      filtered.account === undefined
    )
      return;
    this.emit(client, 'batch', filtered);
  }

  private emit(client: SimClient<ClientMeta>, type: string, data: unknown): void {
    this.messagesDelivered += 1;
    // Every envelope carries the user it belongs to: the client checks isolation with it.
    this.send(
      client,
      JSON.stringify({ type, timestamp: new Date().toISOString(), userId: client.meta.userId, data }),
    );
  }
}

function parseCookie(header: string, name: string): string | null {
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return null;
}
