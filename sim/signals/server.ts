/**
 * The signals server of seed 003 on loopback (`protocols/gateways.md` §3), shaped like the
 * FastAPI service the seed documents rather than a tidy one:
 * - `/ws?client_id=<id>`; without one the server makes a UUID. Connections are kept in a dict by
 *   client id, so a second socket with the same id silently takes over the broadcasts and the
 *   first one goes quiet (alive, but nothing arrives);
 * - first phase (default): every client gets everything; `subscribe`/`unsubscribe` are answered
 *   with an `error` ("Unknown message type"); `honourSubscriptions` turns phase 3 on;
 * - `price_update` every 3 s with only some fields for some symbols, `portfolio_update` every
 *   5 s (and one on connect), `signal`s from its strategy, `trade_executed` when it acts on one;
 * - timestamps from `datetime.utcnow().isoformat()`: microseconds, no zone;
 * - `ping` → `pong`; anything unparseable → `{"type":"error","error":"Invalid message format"}`;
 * - `GET /websocket/status`; over `maxConnections` new sockets are closed 1013.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { SimAccount } from '../account';
import { type Authorization, json, type SimClient, SimServer } from '../base';
import { World } from '../world';

export interface SignalsSimOptions {
  port?: number;
  priceIntervalMs?: number;
  portfolioIntervalMs?: number;
  signalIntervalMs?: number;
  /** Phase 3: subscriptions select channels and price symbols. Default false (first phase). */
  honourSubscriptions?: boolean;
  maxConnections?: number;
  /** Close connections older than this with 1001. */
  maxConnectionAgeMs?: number;
  seed?: number;
  world?: World;
}

type Channel = 'price_updates' | 'signals' | 'trades' | 'portfolio';

interface ClientMeta {
  clientId: string;
  channels: Set<Channel> | null;
  symbols: Set<string> | null;
}

const ClientMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ping') }),
  z.object({
    type: z.enum(['subscribe', 'unsubscribe']),
    channel: z.enum(['price_updates', 'signals', 'trades', 'portfolio']),
    symbols: z.array(z.string()).optional(),
  }),
]);

const SignalFault = z.object({
  kind: z.literal('signal'),
  signal_type: z.string().default('BUY'),
  symbol: z.string().default('AAPL'),
  price: z.number().optional(),
  quantity: z.number().default(10),
  confidence: z.number().default(0.85),
});
const ServerErrorFault = z.object({
  kind: z.literal('server-error'),
  error: z.string().default('Stream error'),
});
/** The price loop dies while the socket stays up (the seed's stream_health turns unhealthy). */
const StallFault = z.object({ kind: z.literal('stall-prices') });

/** Python's `datetime.utcnow().isoformat()`: microseconds, no zone designator. */
export function pyIso(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 23)}${String(Math.floor(Math.random() * 1000)).padStart(3, '0')}`;
}

const round = (n: number, d = 2): number => Math.round(n * 10 ** d) / 10 ** d;

export class SignalsSim extends SimServer<ClientMeta> {
  readonly world: World;
  readonly account: SimAccount;
  private readonly o: Required<Omit<SignalsSimOptions, 'port' | 'world' | 'maxConnectionAgeMs'>> & {
    maxConnectionAgeMs: number | null;
  };
  /** The seed's ConnectionManager: one socket per client id, the latest wins. */
  private readonly byClientId = new Map<string, SimClient<ClientMeta>>();
  private timers: ReturnType<typeof setInterval>[] = [];
  private stalled = false;
  private rng: number;
  private readonly health = {
    price_updates: {
      last_update: null as string | null,
      error_count: 0,
      started_at: new Date().toISOString(),
    },
    signals: { last_update: null as string | null, error_count: 0 },
  };
  accepted = 0;
  peakConnections = 0;
  /** Signals sent, newest last. */
  readonly signals: Record<string, unknown>[] = [];

  constructor(opts: SignalsSimOptions = {}) {
    super({ name: 'signals', wsPath: '/ws', port: opts.port });
    this.o = {
      priceIntervalMs: opts.priceIntervalMs ?? 3_000,
      portfolioIntervalMs: opts.portfolioIntervalMs ?? 5_000,
      signalIntervalMs: opts.signalIntervalMs ?? 7_000,
      honourSubscriptions: opts.honourSubscriptions ?? false,
      maxConnections: opts.maxConnections ?? 100,
      seed: opts.seed ?? 11,
      maxConnectionAgeMs: opts.maxConnectionAgeMs ?? null,
    };
    this.rng = this.o.seed;
    this.world = opts.world ?? new World({ seed: this.o.seed });
    this.account = this.world.account('signals-bot', { cash: 100_000 });
    this.defineFault('signal', SignalFault, (f) => {
      const { kind: _k, ...rest } = f;
      this.emitSignal({ ...rest, price: f.price ?? this.world.venue.price(f.symbol) });
    });
    this.defineFault('server-error', ServerErrorFault, (f) => {
      for (const c of this.clients.values())
        this.sendTo(c, { type: 'error', error: f.error, timestamp: pyIso(Date.now()) });
    });
    this.defineFault('stall-prices', StallFault, () => {
      this.stalled = true;
    });
  }

  protected override onClearFaults(): void {
    this.stalled = false;
  }

  protected override protocolActiveFaults(): Record<string, unknown> {
    return this.stalled ? { stalledPrices: true } : {};
  }

  protected override onStart(): void {
    this.timers = [
      setInterval(() => this.prices(), this.o.priceIntervalMs),
      setInterval(() => this.portfolioAll(), this.o.portfolioIntervalMs),
      setInterval(() => this.strategy(), this.o.signalIntervalMs),
    ];
  }

  protected override onStop(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.byClientId.clear();
  }

  protected override authorize(req: IncomingMessage): Authorization<ClientMeta> {
    const clientId = new URL(req.url ?? '/', 'http://x').searchParams.get('client_id') ?? randomUUID();
    return { ok: true, meta: { clientId, channels: null, symbols: null } };
  }

  protected override onOpen(client: SimClient<ClientMeta>): void {
    if (this.byClientId.size >= this.o.maxConnections) {
      client.ws.close(1013, 'Maximum connections reached');
      return;
    }
    this.accepted += 1;
    this.byClientId.set(client.meta.clientId, client);
    this.peakConnections = Math.max(this.peakConnections, this.connectionCount);
    this.sendTo(client, this.portfolioFrame());
  }

  protected override onClose(client: SimClient<ClientMeta>): void {
    if (this.byClientId.get(client.meta.clientId) === client) this.byClientId.delete(client.meta.clientId);
  }

  protected override onMessage(client: SimClient<ClientMeta>, data: Buffer, isBinary: boolean): void {
    let msg: z.infer<typeof ClientMessage> | null = null;
    let type: unknown = null;
    try {
      const raw: unknown = isBinary ? null : JSON.parse(data.toString('utf8'));
      type = typeof raw === 'object' && raw !== null ? (raw as { type?: unknown }).type : null;
      const r = ClientMessage.safeParse(raw);
      msg = r.success ? r.data : null;
    } catch {
      // Not JSON: answered below as an invalid message.
    }
    const ts = pyIso(Date.now());
    if (msg === null) {
      const error = typeof type === 'string' ? `Unknown message type: ${type}` : 'Invalid message format';
      return this.sendTo(client, { type: 'error', error, timestamp: ts });
    }
    if (msg.type === 'ping') return this.sendTo(client, { type: 'pong', timestamp: ts });
    if (!this.o.honourSubscriptions)
      return this.sendTo(client, {
        type: 'error',
        error: `Unknown message type: ${msg.type}`,
        timestamp: ts,
      });
    const m = client.meta;
    m.channels ??= new Set();
    if (msg.type === 'subscribe') {
      m.channels.add(msg.channel);
      if (msg.channel === 'price_updates' && msg.symbols !== undefined)
        m.symbols = new Set([...(m.symbols ?? []), ...msg.symbols]);
      else if (msg.channel === 'price_updates') m.symbols = null;
    } else if (msg.channel === 'price_updates' && msg.symbols !== undefined && m.symbols !== null) {
      for (const s of msg.symbols) m.symbols.delete(s);
    } else m.channels.delete(msg.channel);
  }

  protected override route(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/websocket/status') return false;
    const stale = (at: string | null, ms: number): boolean =>
      at === null || Date.now() - Date.parse(`${at}Z`) > 3 * ms;
    json(res, 200, {
      enabled: true,
      active_connections: this.byClientId.size,
      max_connections: this.o.maxConnections,
      ping_interval: 30,
      price_update_interval: this.o.priceIntervalMs / 1000,
      portfolio_update_interval: this.o.portfolioIntervalMs / 1000,
      stream_health: {
        price_updates: {
          ...this.health.price_updates,
          recovery_attempts: 0,
          is_healthy: !this.stalled && !stale(this.health.price_updates.last_update, this.o.priceIntervalMs),
        },
        signals: { ...this.health.signals, is_healthy: true },
      },
    });
    return true;
  }

  // ---- streams -------------------------------------------------------------------------------

  private prices(): void {
    const now = Date.now();
    this.world.advanceTo(now);
    if (this.stalled) return;
    const symbols: Record<string, Record<string, number>> = {};
    for (const s of this.world.venue.symbols()) {
      const q = this.world.venue.quote(s);
      const open = this.world.venue.spec(s)?.startPrice ?? q.last;
      const change = q.last - open;
      // Real feeds send what they have: some symbols only price and change, some the whole bar.
      const full = this.random() < 0.5;
      symbols[s] = {
        price: round(q.last),
        change: round(change),
        change_pct: round((change / open) * 100),
        ...(this.random() < 0.8 ? { volume: Math.round(1_000_000 + this.random() * 5_000_000) } : {}),
        ...(full
          ? {
              high: round(Math.max(open, q.last) * 1.002),
              low: round(Math.min(open, q.last) * 0.998),
              open: round(open),
              close: round(q.last),
            }
          : {}),
      };
    }
    this.health.price_updates.last_update = pyIso(now);
    for (const c of this.broadcastTargets('price_updates')) {
      const wanted = c.meta.symbols;
      const picked =
        wanted === null
          ? symbols
          : Object.fromEntries(Object.entries(symbols).filter(([s]) => wanted.has(s)));
      if (Object.keys(picked).length > 0)
        this.sendTo(c, { type: 'price_update', symbols: picked, timestamp: pyIso(now) });
    }
    const age = this.o.maxConnectionAgeMs;
    if (age !== null)
      for (const c of this.clientsWhere((x) => now - x.openedAt >= age))
        c.ws.close(1001, 'Maximum connection age');
  }

  private portfolioAll(): void {
    this.world.advanceTo();
    const frame = this.portfolioFrame();
    for (const c of this.broadcastTargets('portfolio')) this.sendTo(c, frame);
  }

  private portfolioFrame(): Record<string, unknown> {
    const positions: Record<string, unknown> = {};
    let total = 0;
    for (const [symbol, h] of this.account.holdings) {
      if (h.qty === 0) continue;
      const price = this.world.venue.price(symbol);
      const pnl = (price - h.avgPrice) * h.qty;
      total += pnl;
      positions[symbol] = {
        symbol,
        quantity: h.qty,
        average_price: round(h.avgPrice, 4),
        market_price: round(price),
        unrealized_pnl: round(pnl),
        unrealized_pnl_pct: round((pnl / Math.abs(h.avgPrice * h.qty)) * 100),
      };
    }
    return {
      type: 'portfolio_update',
      channel: 'portfolio',
      timestamp: pyIso(Date.now()),
      data: { positions, total_pnl: round(total), position_count: Object.keys(positions).length },
    };
  }

  /** The server's strategy: a signal now and then; it trades some of them itself. */
  private strategy(): void {
    const now = Date.now();
    this.world.advanceTo(now);
    const symbols = this.world.venue.symbols();
    const symbol = symbols[Math.floor(this.random() * symbols.length)] ?? 'AAPL';
    const held = this.account.position(symbol).qty;
    const side = held > 0 && this.random() < 0.5 ? 'SELL' : 'BUY';
    const quantity =
      side === 'SELL'
        ? Math.min(held, 1 + Math.floor(this.random() * 10))
        : 1 + Math.floor(this.random() * 10);
    const price = round(this.world.venue.price(symbol));
    this.emitSignal({
      signal_type: side,
      symbol,
      price,
      quantity,
      confidence: round(0.5 + this.random() * 0.5),
    });
    if (this.random() < 0.7 && quantity > 0) {
      const order = this.account.place(
        symbol,
        { side: side === 'BUY' ? 'buy' : 'sell', type: 'market', qty: quantity },
        now,
      );
      if (order.filledQty > 0)
        for (const c of this.broadcastTargets('trades'))
          this.sendTo(c, {
            type: 'trade_executed',
            symbol,
            side,
            quantity: order.filledQty,
            price: round(order.avgFillPrice ?? price),
            timestamp: pyIso(now),
          });
    }
  }

  private emitSignal(s: {
    signal_type: string;
    symbol: string;
    price: number;
    quantity: number;
    confidence: number;
  }): void {
    const frame = { type: 'signal', ...s, timestamp: pyIso(Date.now()) };
    this.signals.push(frame);
    this.health.signals.last_update = frame.timestamp;
    for (const c of this.broadcastTargets('signals')) this.sendTo(c, frame);
  }

  /** Broadcasts go to the dict's sockets only: a replaced socket for the same id hears nothing. */
  private broadcastTargets(channel: Channel): SimClient<ClientMeta>[] {
    return [...this.byClientId.values()].filter(
      (c) => !this.o.honourSubscriptions || c.meta.channels === null || c.meta.channels.has(channel),
    );
  }

  private sendTo(c: SimClient<ClientMeta>, frame: unknown): void {
    this.send(c, JSON.stringify(frame));
  }

  private random(): number {
    this.rng = (this.rng + 0x6d2b79f5) | 0;
    let t = this.rng;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}
