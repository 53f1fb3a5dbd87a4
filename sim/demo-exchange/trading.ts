/**
 * The demo exchange's trading endpoint: REST login and order entry, and a trading socket that
 * authenticates in-band (`{"op":"auth","token":…}` as its first message). It is the template for
 * real protocol simulators (Tradovate, Binance): it shows a world served on several endpoints,
 * a codec for frames that carry several messages, request faults on REST and socket requests,
 * and faults of its own (`expire-token`, `quota-kick`).
 *
 * Wire format: client → server one JSON request per frame `{id, op, …}`; server → client a JSON
 * array of messages per frame: replies `{id, status, result | error}` and events
 * `{event, seq, data}` (`seq` counts per socket, so a client can drop a late copy). `ping` answers
 * with the server time (the client's RTT probe); `snapshot` returns account, positions, orders,
 * fills and instruments (the client's resync).
 */
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import type { OrderRequest as OrderRequestInput, SimAccount, SimOrder } from '../account';
import { type Authorization, type RequestOutcome, type SimClient, SimServer } from '../base';
import { jsonArrayCodec } from '../codec';
import type { RestReply, RestRequest } from '../rest';
import type { World } from '../world';

export interface TradingMeta {
  account: SimAccount | null;
  token: string | null;
  unsubscribe: (() => void) | null;
}

export interface DemoTradingOptions {
  port?: number;
  /** user → password. */
  users?: Record<string, string>;
  /** Close sockets that have not sent `auth` within this many ms (default 5000). */
  authTimeoutMs?: number;
  /** Token lifetime (default one hour). */
  tokenTtlMs?: number;
  /** Inbound socket messages per second before the socket is closed (default 50). */
  maxMessagesPerSec?: number;
  /** Close sockets silent this long (clients send `{"op":"heartbeat"}`); default: never. */
  inboundSilenceMs?: number;
  /** Push an `account` event (cash, equity) to every logged-in socket this often; default: never. */
  accountEveryMs?: number;
  /** Close every socket at this age (1001), as venues that cap a session's length do; default: never. */
  maxConnectionAgeMs?: number;
}

const Trail = z.object({
  by: z.enum(['amount', 'percent', 'ticks']),
  value: z.number().positive(),
  activationPrice: z.number().positive().nullable().optional(),
});

export const OrderRequest = z.object({
  symbol: z.string(),
  side: z.enum(['buy', 'sell']),
  type: z.enum(['market', 'limit', 'stop', 'stop_limit']),
  qty: z.number().positive(),
  limitPrice: z.number().positive().optional(),
  stopPrice: z.number().positive().optional(),
  tif: z.enum(['day', 'gtc', 'ioc']).default('gtc'),
  clientOrderId: z.string().max(36).optional(),
  trail: Trail.optional(),
});

const ExitRequest = z.object({
  type: z.enum(['limit', 'stop', 'stop_limit']),
  limitPrice: z.number().positive().optional(),
  stopPrice: z.number().positive().optional(),
  trail: Trail.optional(),
});

const SocketRequest = z.discriminatedUnion('op', [
  z.object({ id: z.number().int(), op: z.literal('auth'), token: z.string() }),
  z.object({ id: z.number().int(), op: z.literal('heartbeat') }),
  /** Answered at once with the server time: the client's round-trip probe. */
  z.object({ id: z.number().int(), op: z.literal('ping') }),
  /** The full picture a client resyncs from: account, positions, orders, fills, instruments. */
  z.object({ id: z.number().int(), op: z.literal('snapshot') }),
  z.object({ id: z.number().int(), op: z.literal('place'), order: OrderRequest }),
  /** Two orders, one symbol: the first to fill (or trigger) cancels the other. */
  z.object({ id: z.number().int(), op: z.literal('oco'), legs: z.tuple([OrderRequest, OrderRequest]) }),
  /** An entry whose exits work, as an OCO sized to its fills, once it fills. */
  z.object({
    id: z.number().int(),
    op: z.literal('bracket'),
    entry: OrderRequest,
    takeProfit: ExitRequest.optional(),
    stopLoss: ExitRequest.optional(),
  }),
  z.object({ id: z.number().int(), op: z.literal('cancel'), orderId: z.string() }),
  z.object({ id: z.number().int(), op: z.literal('orders') }),
]);

function toRequest(o: z.infer<typeof OrderRequest>): OrderRequestInput {
  return {
    side: o.side,
    type: o.type,
    qty: o.qty,
    limitPrice: o.limitPrice ?? null,
    stopPrice: o.stopPrice ?? null,
    tif: o.tif,
    clientOrderId: o.clientOrderId ?? null,
    trail: o.trail ?? null,
  };
}

export const DEMO_USER = 'alice';
export const DEMO_PASSWORD = 'pw-alice';

type Outcome = { status: number; result?: unknown; error?: string };

export class DemoTradingServer extends SimServer<TradingMeta> {
  private readonly users: Map<string, string>;
  private readonly tokens = new Map<string, { user: string; expiresAt: number }>();
  private readonly tokenTtlMs: number;
  private readonly accountEveryMs: number | null;
  private readonly maxConnectionAgeMs: number | null;
  private tokenSeq = 0;
  /** Messages waiting to leave in the client's next frame (events raised by one request batch up). */
  private readonly outbox = new Map<SimClient<TradingMeta>, unknown[]>();
  /**
   * Per-socket event sequence: every event carries `seq`, so a client can tell a late copy of an
   * order or position from a newer one when frames arrive out of order.
   */
  private readonly eventSeq = new Map<SimClient<TradingMeta>, number>();
  private timer: ReturnType<typeof setInterval> | null = null;
  /** Connections ever accepted, and the most that were open at once (tests of limits and rotation). */
  accepted = 0;
  peakConnections = 0;

  constructor(
    private readonly world: World,
    opts: DemoTradingOptions = {},
  ) {
    super({
      name: 'demo-exchange-trading',
      wsPath: '/ws/trading',
      port: opts.port,
      codec: jsonArrayCodec,
      authTimeoutMs: opts.authTimeoutMs ?? 5000,
      inboundRate: { limit: opts.maxMessagesPerSec ?? 50 },
      ...(opts.inboundSilenceMs === undefined ? {} : { inboundSilenceMs: opts.inboundSilenceMs }),
    });
    this.users = new Map(Object.entries(opts.users ?? { [DEMO_USER]: DEMO_PASSWORD }));
    this.tokenTtlMs = opts.tokenTtlMs ?? 3_600_000;
    this.accountEveryMs = opts.accountEveryMs ?? null;
    this.maxConnectionAgeMs = opts.maxConnectionAgeMs ?? null;
    this.restRoute('POST', '/api/session', (req) => this.login(req), 'login');
    this.restRoute('POST', '/api/orders', (req) => this.restPlace(req), 'place');
    this.restRoute('GET', '/api/orders', (req) => this.restOrders(req), 'orders');
    // Token expiry mid-session: every token issued so far stops working for REST and for new
    // socket logins, while sockets already logged in keep streaming (as Tradovate's do).
    this.defineFault('expire-token', z.object({ kind: z.literal('expire-token') }), () => {
      for (const t of this.tokens.values()) t.expiresAt = 0;
    });
    // A connection-quota kick: the oldest socket is told why, then closed, and its token revoked.
    this.defineFault('quota-kick', z.object({ kind: z.literal('quota-kick') }), () => {
      const oldest = [...this.clients.values()].sort((a, b) => a.openedAt - b.openedAt)[0];
      if (oldest === undefined) return;
      if (oldest.meta.token !== null) this.tokens.delete(oldest.meta.token);
      this.send(oldest, JSON.stringify([{ event: 'shutdown', data: { reason: 'ConnectionQuotaReached' } }]));
      oldest.ws.close(1008, 'Connection quota reached');
    });
  }

  /** Issue a token for `user` directly (tests that do not go through REST). */
  issueToken(user: string): string {
    const token = `tok-${user}-${++this.tokenSeq}`;
    this.tokens.set(token, { user, expiresAt: this.world.now() + this.tokenTtlMs });
    return token;
  }

  // ---- REST ----------------------------------------------------------------------------------

  private login(req: RestRequest): RestReply {
    const body = z.object({ user: z.string(), password: z.string() }).safeParse(req.body);
    if (!body.success) return { status: 400, body: { error: 'user and password required' } };
    if (this.users.get(body.data.user) !== body.data.password)
      return { status: 401, body: { error: 'bad credentials' } };
    const token = this.issueToken(body.data.user);
    return { status: 200, body: { token, expiresAt: this.tokens.get(token)?.expiresAt } };
  }

  private restPlace(req: RestRequest): RestReply {
    const account = this.accountFor(req.bearer);
    if (account === null) return { status: 401, body: { error: 'token expired or unknown' } };
    const r = this.place(account, req.body);
    return { status: r.status, body: r.error === undefined ? r.result : { error: r.error } };
  }

  private restOrders(req: RestRequest): RestReply {
    const account = this.accountFor(req.bearer);
    if (account === null) return { status: 401, body: { error: 'token expired or unknown' } };
    return { status: 200, body: { orders: [...account.orders.values()] } };
  }

  // ---- socket --------------------------------------------------------------------------------

  protected override authorize(_req: IncomingMessage): Authorization<TradingMeta> {
    // Anyone may connect; nothing but `auth` is served until the client logs in.
    return { ok: true, authenticated: false, meta: { account: null, token: null, unsubscribe: null } };
  }

  protected override onOpen(): void {
    this.accepted += 1;
    this.peakConnections = Math.max(this.peakConnections, this.connectionCount);
  }

  protected override onClose(client: SimClient<TradingMeta>): void {
    client.meta.unsubscribe?.();
    this.outbox.delete(client);
    this.eventSeq.delete(client);
  }

  protected override onStart(): void {
    const every = [this.accountEveryMs, this.maxConnectionAgeMs].filter((n): n is number => n !== null);
    if (every.length === 0) return;
    this.timer = setInterval(() => this.tick(), Math.max(10, Math.min(...every) / 4));
  }

  protected override onStop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /** The `expire-credentials` fault: every token is revoked and logged-in sockets are told so (1008). */
  protected override expireCredentials(): void {
    this.tokens.clear();
    for (const c of this.clientsWhere((x) => x.authenticated)) c.ws.close(1008, 'Session expired');
  }

  private lastAccountPush = 0;

  private tick(): void {
    const now = Date.now();
    if (this.accountEveryMs !== null && now - this.lastAccountPush >= this.accountEveryMs) {
      this.lastAccountPush = now;
      for (const c of this.clientsWhere((x) => x.authenticated && x.meta.account !== null)) {
        const account = c.meta.account;
        if (account !== null) this.event(c, 'account', this.accountState(account));
      }
    }
    const limit = this.maxConnectionAgeMs;
    if (limit !== null)
      for (const c of this.clientsWhere((x) => now - x.openedAt >= limit))
        c.ws.close(1001, 'Maximum connection age');
  }

  protected override onMessage(client: SimClient<TradingMeta>, data: Buffer, isBinary: boolean): void {
    let parsed: z.infer<typeof SocketRequest>;
    try {
      const r = SocketRequest.safeParse(isBinary ? null : JSON.parse(data.toString('utf8')));
      if (!r.success) throw new Error(r.error.issues[0]?.message ?? 'bad request');
      parsed = r.data;
    } catch (err) {
      this.queue(client, {
        id: null,
        status: 400,
        error: err instanceof Error ? err.message : 'bad request',
      });
      return;
    }
    const req = parsed;
    if (req.op === 'heartbeat') return;
    if (req.op === 'ping') {
      this.queue(client, { id: req.id, status: 200, result: { ts: this.world.now() } });
      return;
    }
    if (req.op === 'auth') {
      this.queue(client, { id: req.id, ...this.socketLogin(client, req.token) });
      return;
    }
    const account = client.meta.account;
    if (!client.authenticated || account === null) {
      this.queue(client, { id: req.id, status: 401, error: 'not authorized' });
      return;
    }
    void this.runRequest(req.op, () => this.execute(account, req)).then((o) => this.reply(client, req.id, o));
  }

  private socketLogin(client: SimClient<TradingMeta>, token: string): Outcome {
    const account = this.accountFor(token);
    if (account === null) return { status: 401, error: 'token expired or unknown' };
    client.meta.unsubscribe?.();
    const unsubscribe = account.on((e) => {
      if (e.type === 'order') this.event(client, 'order', { ...e.order, change: e.change });
      else if (e.type === 'fill') this.event(client, 'fill', e.fill);
      else this.event(client, 'position', e);
    });
    this.authenticate(client, { account, token, unsubscribe });
    return { status: 200, result: { user: account.id } };
  }

  private execute(account: SimAccount, req: z.infer<typeof SocketRequest>): Outcome {
    switch (req.op) {
      case 'place':
        return this.place(account, req.order);
      case 'cancel': {
        const o = account.cancel(req.orderId, this.world.now());
        return o === undefined
          ? { status: 404, error: `no working order ${req.orderId}` }
          : { status: 200, result: o };
      }
      case 'orders':
        return { status: 200, result: [...account.orders.values()] };
      case 'snapshot':
        return { status: 200, result: this.snapshot(account) };
      case 'oco': {
        const [a, b] = req.legs;
        if (a.symbol !== b.symbol) return { status: 400, error: 'both legs must trade one symbol' };
        if (!this.world.venue.symbols().includes(a.symbol))
          return { status: 400, error: `unknown symbol ${a.symbol}` };
        return {
          status: 200,
          result: account.placeOco(a.symbol, toRequest(a), toRequest(b), this.world.now()),
        };
      }
      case 'bracket': {
        const e = req.entry;
        if (!this.world.venue.symbols().includes(e.symbol))
          return { status: 400, error: `unknown symbol ${e.symbol}` };
        const exitSide = e.side === 'buy' ? 'sell' : 'buy';
        const exit = (x: z.infer<typeof ExitRequest> | undefined) =>
          x === undefined
            ? undefined
            : ({
                side: exitSide,
                type: x.type,
                limitPrice: x.limitPrice ?? null,
                stopPrice: x.stopPrice ?? null,
                tif: e.tif,
                trail: x.trail ?? null,
              } as const);
        const tp = exit(req.takeProfit);
        const sl = exit(req.stopLoss);
        const placed = account.placeBracket(
          e.symbol,
          toRequest(e),
          { ...(tp === undefined ? {} : { takeProfit: tp }), ...(sl === undefined ? {} : { stopLoss: sl }) },
          this.world.now(),
        );
        return { status: 200, result: placed };
      }
      case 'auth':
      case 'heartbeat':
      case 'ping':
        return { status: 400, error: 'already handled' };
    }
  }

  /** Shape a request's outcome the way this protocol answers (or, when dropped, does not). */
  private reply(client: SimClient<TradingMeta>, id: number, o: RequestOutcome<Outcome>): void {
    switch (o.kind) {
      case 'ok':
        return this.queue(client, { id, ...o.value });
      case 'dropped':
        return;
      case 'failed-after-execute':
        return this.queue(client, {
          id,
          status: o.status,
          error: 'internal error: execution status unknown',
        });
      case 'rate-limited':
        return this.queue(client, { id, status: 429, error: 'rate limited', retryAfterMs: o.retryAfterMs });
    }
  }

  // ---- shared --------------------------------------------------------------------------------

  private accountState(account: SimAccount): { cash: number; equity: number; realized: number; ts: number } {
    return { cash: account.cash, equity: account.equity(), realized: account.realized, ts: this.world.now() };
  }

  private snapshot(account: SimAccount): unknown {
    return {
      account: this.accountState(account),
      positions: [...account.holdings].map(([symbol, h]) => ({ symbol, qty: h.qty, avgPrice: h.avgPrice })),
      orders: [...account.orders.values()],
      fills: account.fills,
      instruments: this.world.venue.symbols().flatMap((s) => {
        const spec = this.world.venue.spec(s);
        return spec === undefined ? [] : [spec.instrument];
      }),
    };
  }

  /** An event message, numbered in this socket's sequence. */
  private event(client: SimClient<TradingMeta>, event: string, data: unknown): void {
    const seq = (this.eventSeq.get(client) ?? 0) + 1;
    this.eventSeq.set(client, seq);
    this.queue(client, { event, seq, data });
  }

  private accountFor(token: string | null): SimAccount | null {
    const t = token === null ? undefined : this.tokens.get(token);
    if (t === undefined || t.expiresAt <= this.world.now()) return null;
    return this.world.account(t.user);
  }

  private place(account: SimAccount, body: unknown): Outcome {
    const r = OrderRequest.safeParse(body);
    if (!r.success) return { status: 400, error: r.error.issues.map((i) => i.message).join('; ') };
    const o = r.data;
    if (!this.world.venue.symbols().includes(o.symbol))
      return { status: 400, error: `unknown symbol ${o.symbol}` };
    const order: SimOrder = account.place(o.symbol, toRequest(o), this.world.now());
    return { status: 200, result: { ...order } };
  }

  /** Messages raised together (a reply and the fills it caused) leave in one frame. */
  private queue(client: SimClient<TradingMeta>, message: unknown): void {
    const box = this.outbox.get(client);
    if (box !== undefined) {
      box.push(message);
      return;
    }
    this.outbox.set(client, [message]);
    queueMicrotask(() => {
      const messages = this.outbox.get(client);
      this.outbox.delete(client);
      if (messages !== undefined && messages.length > 0) this.send(client, JSON.stringify(messages));
    });
  }
}
