/**
 * The demo exchange's trading endpoint: REST login and order entry, and a trading socket that
 * authenticates in-band (`{"op":"auth","token":…}` as its first message). It is the template for
 * real protocol simulators (Tradovate, Binance): it shows a world served on several endpoints,
 * a codec for frames that carry several messages, request faults on REST and socket requests,
 * and faults of its own (`expire-token`, `quota-kick`).
 *
 * Wire format: client → server one JSON request per frame `{id, op, …}`; server → client a JSON
 * array of messages per frame: replies `{id, status, result | error}` and events `{event, data}`.
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
  private tokenSeq = 0;
  /** Messages waiting to leave in the client's next frame (events raised by one request batch up). */
  private readonly outbox = new Map<SimClient<TradingMeta>, unknown[]>();

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

  protected override onOpen(): void {}

  protected override onClose(client: SimClient<TradingMeta>): void {
    client.meta.unsubscribe?.();
    this.outbox.delete(client);
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
      if (e.type === 'order') this.queue(client, { event: 'order', data: { ...e.order, change: e.change } });
      else if (e.type === 'fill') this.queue(client, { event: 'fill', data: e.fill });
      else this.queue(client, { event: 'position', data: e });
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
