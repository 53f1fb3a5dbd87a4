/**
 * The orders relay of seed 002 on loopback (`protocols/gateways.md` §2): a Node proxy in front of
 * a TradeStation-style order and position service. It behaves like the seed's server, not a tidy
 * one:
 * - the JWT rides in the `token` query parameter; the proxy accepts the upgrade, then checks the
 *   token and closes 1008 "Authentication required";
 * - it forwards upstream Buffers as they came: some frames arrive binary (UTF-8 JSON);
 * - each new stream re-sends every order of the day and every position, then `EndSnapshot`;
 * - `Heartbeat` after a few seconds of idleness; ws-level pings (`WS_HEARTBEAT_MS`);
 * - `GoAway` before the upstream ends a stream, then the socket closes with no code (1005);
 * - TradeStation's sequencing quirks: `FLL` first without `ClosedDateTime` and again with it,
 *   stops `STP` → `ACK` (with executions) → `FLL`, cancels `UCN` → `CAN`;
 * - updates sent while a client is away are lost (no replay), and the `withhold-fills` fault
 *   loses fill updates on a live socket: the next snapshot carries them;
 * - `{type:"proxy_error"}` when the upstream fails (`proxy-error` fault).
 * Cancels: `DELETE /api/orders/<OrderID>` with `Authorization: Bearer <JWT>` → `{success: true}`.
 */
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import type { AccountEvent, SimAccount, SimOrder } from '../account';
import { type Authorization, type SimClient, SimServer } from '../base';
import { World } from '../world';
import { tsOrder, tsPosition } from './frames';

export const DEMO_TOKEN =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJkZW1vLXRyYWRlciIsImFjY291bnQiOiJTSU0yNzg0OTkwTSJ9.c2ltLXJlbGF5LXNpZ25hdHVyZQ';
export const DEMO_ACCOUNT = 'SIM2784990M';

export interface OrdersRelaySimOptions {
  port?: number;
  /** token → account id. */
  tokens?: Record<string, string>;
  /** Idle time before a `Heartbeat` (TradeStation: 5 s). */
  heartbeatMs?: number;
  /** How often open positions are re-sent with a fresh mark (TradeStation streams quote changes). */
  positionsIntervalMs?: number;
  /** How often the account's strategy places, fills or cancels an order. */
  tradeIntervalMs?: number;
  /** Every n-th frame to a client goes out binary (0: never). */
  binaryEvery?: number;
  /** Streams older than this get `GoAway`, then are closed `goAwayGraceMs` later. */
  maxConnectionAgeMs?: number;
  goAwayGraceMs?: number;
  /** How a closed position is signalled: `Quantity: "0"` or a deletion marker. */
  closedPosition?: 'zero' | 'deleted';
  /** ws-level ping interval of the proxy (seed: WS_HEARTBEAT_MS=30000); 0 disables. */
  pingMs?: number;
  seed?: number;
  world?: World;
}

interface ClientMeta {
  stream: 'orders' | 'positions';
  accountId: string | null;
  heartbeat: number;
  lastSentAt: number;
  sent: number;
  goAwayAt: number | null;
}

const FaultGoAway = z.object({ kind: z.literal('go-away'), graceMs: z.number().min(0).default(200) });
const FaultProxyError = z.object({
  kind: z.literal('proxy-error'),
  error: z.string().default('External WebSocket error: upstream unreachable'),
  /** Close the client sockets afterwards, as the seed's proxy does when upstream dies. */
  close: z.boolean().default(false),
});
const FaultWithholdFills = z.object({
  kind: z.literal('withhold-fills'),
  count: z.number().int().positive(),
});

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export class OrdersRelaySim extends SimServer<ClientMeta> {
  readonly world: World;
  private readonly tokens: Map<string, string>;
  private readonly expired = new Set<string>();
  private readonly o: Required<
    Omit<OrdersRelaySimOptions, 'port' | 'tokens' | 'world' | 'maxConnectionAgeMs'>
  > & {
    maxConnectionAgeMs: number | null;
  };
  /** The TradeStation status code each order last showed. */
  private readonly codes = new Map<string, string>();
  private readonly accounts = new Map<string, SimAccount>();
  private timers: ReturnType<typeof setInterval>[] = [];
  private withheld = 0;
  private rng: number;
  /** Order streams ever accepted, and the most open at once (one per link). */
  accepted = 0;
  peakConnections = 0;
  /** Cancels the REST endpoint executed. */
  readonly cancels: string[] = [];
  /** Orders whose fill updates the `withhold-fills` fault kept from every client. */
  readonly withheldOrders: string[] = [];

  constructor(opts: OrdersRelaySimOptions = {}) {
    super({
      name: 'orders-relay',
      wsPath: '/ws/orders',
      wsPaths: ['/ws/positions'],
      port: opts.port,
      ...(opts.pingMs === 0
        ? {}
        : { serverPing: { intervalMs: opts.pingMs ?? 30_000, timeoutMs: 2 * (opts.pingMs ?? 30_000) } }),
    });
    this.tokens = new Map(Object.entries(opts.tokens ?? { [DEMO_TOKEN]: DEMO_ACCOUNT }));
    this.o = {
      heartbeatMs: opts.heartbeatMs ?? 5_000,
      positionsIntervalMs: opts.positionsIntervalMs ?? 1_000,
      tradeIntervalMs: opts.tradeIntervalMs ?? 1_500,
      binaryEvery: opts.binaryEvery ?? 4,
      goAwayGraceMs: opts.goAwayGraceMs ?? 500,
      closedPosition: opts.closedPosition ?? 'zero',
      pingMs: opts.pingMs ?? 30_000,
      seed: opts.seed ?? 7,
      maxConnectionAgeMs: opts.maxConnectionAgeMs ?? null,
    };
    this.rng = this.o.seed;
    this.world = opts.world ?? new World({ seed: this.o.seed });
    this.defineFault('go-away', FaultGoAway, (f) => {
      for (const c of this.clients.values()) this.goAway(c, f.graceMs);
    });
    this.defineFault('proxy-error', FaultProxyError, (f) => {
      for (const c of this.clients.values()) {
        this.sendFrame(c, { type: 'proxy_error', error: f.error });
        // The seed's proxy closes its client when the upstream socket dies (no code: 1005).
        if (f.close) c.ws.close();
      }
    });
    this.defineFault('withhold-fills', FaultWithholdFills, (f) => {
      this.withheld += f.count;
    });
    this.restRoute(
      'DELETE',
      '/api/orders/*',
      (req) => {
        const token = req.bearer;
        const accountId = token === null || this.expired.has(token) ? undefined : this.tokens.get(token);
        if (accountId === undefined)
          return { status: 401, body: { success: false, error: 'Authentication required' } };
        const id = decodeURIComponent(req.path.slice('/api/orders/'.length));
        const account = this.account(accountId);
        const order = account.orders.get(id);
        if (order === undefined) return { status: 404, body: { success: false, error: 'Order not found' } };
        if (order.status !== 'working' && order.status !== 'partially_filled' && order.status !== 'pending')
          return { status: 400, body: { success: false, error: `Order ${id} is not open` } };
        this.cancels.push(id);
        this.orderFrame(accountId, order, 'UCN', false);
        account.cancel(id, Date.now());
        return { status: 200, body: { success: true } };
      },
      'cancel',
    );
  }

  /** Add or renew a token (e.g. after `expire-credentials`). */
  addToken(token: string, accountId: string): void {
    this.tokens.set(token, accountId);
    this.expired.delete(token);
  }

  /** The account behind a token's id, subscribed to once. */
  account(accountId: string): SimAccount {
    let a = this.accounts.get(accountId);
    if (a === undefined) {
      a = this.world.account(accountId, { cash: 100_000 });
      this.accounts.set(accountId, a);
      a.on((e) => this.onAccount(accountId, e));
    }
    return a;
  }

  protected override onStart(): void {
    for (const id of new Set(this.tokens.values())) this.account(id);
    this.timers = [
      setInterval(() => this.trade(), this.o.tradeIntervalMs),
      setInterval(() => this.repricePositions(), this.o.positionsIntervalMs),
      setInterval(() => this.housekeeping(), Math.max(20, Math.min(250, this.o.heartbeatMs / 5))),
    ];
  }

  protected override onStop(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }

  protected override authorize(req: IncomingMessage, path: string): Authorization<ClientMeta> {
    const token = new URL(req.url ?? '/', 'http://relay').searchParams.get('token');
    const accountId = token === null || this.expired.has(token) ? null : (this.tokens.get(token) ?? null);
    // The seed's proxy upgrades first and checks the JWT afterwards (onOpen closes 1008).
    return {
      ok: true,
      meta: {
        stream: path === '/ws/positions' ? 'positions' : 'orders',
        accountId,
        heartbeat: 0,
        lastSentAt: Date.now(),
        sent: 0,
        goAwayAt: null,
      },
    };
  }

  protected override onOpen(client: SimClient<ClientMeta>): void {
    const accountId = client.meta.accountId;
    if (accountId === null) {
      client.ws.close(1008, 'Authentication required');
      return;
    }
    if (client.meta.stream === 'orders') {
      this.accepted += 1;
      this.peakConnections = Math.max(
        this.peakConnections,
        this.clientsWhere((c) => c.meta.stream === 'orders' && c.meta.accountId !== null).length,
      );
    }
    const account = this.account(accountId);
    this.world.advanceTo();
    // A new stream starts with the whole picture, then EndSnapshot.
    if (client.meta.stream === 'orders') {
      for (const o of account.orders.values()) {
        const code = this.codes.get(o.id) ?? 'ACK';
        this.sendFrame(client, tsOrder(accountId, o, code, isClosed(code)));
      }
    } else {
      const now = Date.now();
      for (const [symbol, h] of account.holdings)
        if (h.qty !== 0)
          this.sendFrame(
            client,
            tsPosition(accountId, symbol, h.qty, h.avgPrice, this.world.venue.quote(symbol), now),
          );
    }
    this.sendFrame(client, { StreamStatus: 'EndSnapshot' });
  }

  protected override onMessage(): void {
    // The relay forwards client frames upstream, where TradeStation ignores them.
  }

  protected override expireCredentials(): void {
    for (const t of this.tokens.keys()) this.expired.add(t);
    for (const c of this.clients.values()) c.ws.close(1008, 'Authentication required');
  }

  protected override protocolActiveFaults(): Record<string, unknown> {
    return this.withheld > 0 ? { withheldFills: this.withheld } : {};
  }

  protected override onClearFaults(): void {
    this.withheld = 0;
  }

  // ---- the upstream's behaviour ----------------------------------------------------------------

  private onAccount(accountId: string, e: AccountEvent): void {
    if (e.type === 'fill') return; // TradeStation has no fill stream: orders carry executions.
    if (e.type === 'position') {
      const frame =
        e.qty === 0 && this.o.closedPosition === 'deleted'
          ? { PositionID: `${accountId}-${e.symbol}`, AccountID: accountId, Deleted: true }
          : tsPosition(
              accountId,
              e.symbol,
              e.qty,
              e.qty === 0 ? 0 : e.avgPrice,
              this.world.venue.quote(e.symbol),
              e.ts,
            );
      for (const c of this.streams(accountId, 'positions')) this.sendFrame(c, frame);
      return;
    }
    const o = e.order;
    switch (e.change) {
      case 'placed':
        return this.orderFrame(accountId, o, o.status === 'pending' ? 'OPN' : 'ACK', false);
      case 'triggered':
        return this.orderFrame(accountId, o, 'STP', false);
      case 'filled': {
        const fills = this.withheld > 0;
        if (fills) this.withheld -= 1;
        if (o.status === 'partially_filled') return this.orderFrame(accountId, o, 'FPR', false, fills);
        // Stops report their executions under ACK before FLL (QuantConnect's captured frames).
        if (o.type === 'stop' || o.type === 'trailing_stop')
          this.orderFrame(accountId, o, 'ACK', false, fills);
        // FLL first without ClosedDateTime, then again with it.
        this.orderFrame(accountId, o, 'FLL', false, fills);
        this.orderFrame(accountId, o, 'FLL', true, fills);
        return;
      }
      case 'done': {
        const code = o.doneCause === 'expired' ? 'EXP' : o.filledQty > 0 ? 'FLP' : 'CAN';
        return this.orderFrame(accountId, o, code, true);
      }
      default:
        return this.orderFrame(accountId, o, this.codes.get(o.id) ?? 'ACK', false);
    }
  }

  private orderFrame(accountId: string, o: SimOrder, code: string, closed: boolean, withhold = false): void {
    this.codes.set(o.id, code);
    if (withhold) {
      // Lost between upstream and relay: only the next snapshot has it.
      if (!this.withheldOrders.includes(o.id)) this.withheldOrders.push(o.id);
      return;
    }
    const frame = tsOrder(accountId, o, code, closed);
    for (const c of this.streams(accountId, 'orders')) this.sendFrame(c, frame);
  }

  /** The account's strategy: market orders that fill, limits that rest, cancels, now and then a stop. */
  private trade(): void {
    const now = Date.now();
    this.world.advanceTo(now);
    const symbols = this.world.venue.symbols();
    for (const account of this.accounts.values()) {
      const symbol = symbols[Math.floor(this.random() * symbols.length)] ?? 'AAPL';
      const q = this.world.venue.quote(symbol);
      const r = this.random();
      const qty = 1 + Math.floor(this.random() * 5);
      const held = account.position(symbol).qty;
      const side = held > 0 && this.random() < 0.6 ? 'sell' : 'buy';
      const resting = account.openOrders();
      if (r < 0.55) account.place(symbol, { side, type: 'market', qty }, now);
      else if (r < 0.8 && resting.length < 8) {
        const limitPrice = Math.round((side === 'buy' ? q.bid * 0.998 : q.ask * 1.002) * 100) / 100;
        account.place(symbol, { side, type: 'limit', qty, limitPrice }, now);
      } else if (r < 0.9 && held > 0 && resting.length < 8) {
        const stopPrice = Math.round(q.bid * 0.997 * 100) / 100;
        account.place(symbol, { side: 'sell', type: 'stop', qty: Math.min(qty, held), stopPrice }, now);
      } else {
        const victim = resting[Math.floor(this.random() * resting.length)];
        if (victim !== undefined) {
          this.orderFrame(account.id, victim, 'UCN', false);
          account.cancel(victim.id, now);
        }
      }
    }
  }

  private repricePositions(): void {
    const now = Date.now();
    this.world.advanceTo(now);
    for (const [accountId, account] of this.accounts) {
      const clients = this.streams(accountId, 'positions');
      if (clients.length === 0) continue;
      for (const [symbol, h] of account.holdings) {
        if (h.qty === 0) continue;
        const frame = tsPosition(accountId, symbol, h.qty, h.avgPrice, this.world.venue.quote(symbol), now);
        for (const c of clients) this.sendFrame(c, frame);
      }
    }
  }

  private housekeeping(): void {
    const now = Date.now();
    for (const c of this.clients.values()) {
      if (c.meta.accountId === null) continue;
      if (now - c.meta.lastSentAt >= this.o.heartbeatMs) {
        c.meta.heartbeat += 1;
        this.sendFrame(c, { Heartbeat: c.meta.heartbeat, Timestamp: iso(now) });
      }
      const age = this.o.maxConnectionAgeMs;
      if (age !== null && c.meta.goAwayAt === null && now - c.openedAt >= age - this.o.goAwayGraceMs)
        this.goAway(c, this.o.goAwayGraceMs);
    }
  }

  private goAway(c: SimClient<ClientMeta>, graceMs: number): void {
    if (c.meta.goAwayAt !== null) return;
    c.meta.goAwayAt = Date.now();
    this.sendFrame(c, { StreamStatus: 'GoAway' });
    // The upstream ends the stream; the seed's proxy then closes its client without a code.
    setTimeout(() => c.ws.close(), graceMs).unref();
  }

  private streams(accountId: string, stream: ClientMeta['stream']): SimClient<ClientMeta>[] {
    return this.clientsWhere((c) => c.meta.accountId === accountId && c.meta.stream === stream);
  }

  private sendFrame(c: SimClient<ClientMeta>, frame: unknown): void {
    c.meta.sent += 1;
    c.meta.lastSentAt = Date.now();
    const binary = this.o.binaryEvery > 0 && c.meta.sent % this.o.binaryEvery === 0;
    this.send(c, JSON.stringify(frame), { binary });
  }

  /** Deterministic per seed (mulberry32), so a run can be replayed. */
  private random(): number {
    this.rng = (this.rng + 0x6d2b79f5) | 0;
    let t = this.rng;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

function isClosed(code: string): boolean {
  return (
    code === 'FLL' || code === 'FLP' || code === 'CAN' || code === 'EXP' || code === 'REJ' || code === 'OUT'
  );
}
