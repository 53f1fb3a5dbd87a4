/**
 * Binance's WebSocket API (`/ws-api/v3`) and REST API (`/api/v3/*`) on one simulator port:
 * `{id, method, params}` requests with `rateLimits` on every reply; HMAC-SHA256 signatures and
 * `recvWindow` checked; request weight per minute with 429 (`retryAfter`) and, for a client that
 * keeps going, a 418 IP ban; 5xx / -1007 "status unknown" from the request faults; the user data
 * stream via `userDataStream.subscribe.signature` with events wrapped `{subscriptionId, event}`;
 * server pings every 20 s; the 24-hour connection lifetime (shortened by option or fault).
 */
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { deriveSeed, mulberry32 } from '../../src/shared/random';
import type { Bar } from '../../src/shared/domain';
import { generateHistory } from '../../src/exchange/history';
import { type Authorization, type SimClient, SimServer } from '../base';
import type { RestReply, RestRequest } from '../rest';
import {
  type BinanceExchange,
  type BnError,
  listJson,
  orderJson,
  tradeJson,
  type UserEvent,
} from './exchange';
import { dec } from './market';
import { checkTimestamp, restPayload, signatureMatches, wsApiPayload } from './signing';

export interface ApiMeta {
  subscriptions: Map<number, () => void>;
  nextSubscription: number;
}

export interface BinanceApiOptions {
  port?: number;
  /** Server clock = local clock + skew (the adapter must correct for it). */
  clockSkewMs?: number;
  /** REQUEST_WEIGHT per minute (default 6000). */
  weightLimit?: number;
  /** How long a 418 ban lasts (Binance escalates from 2 minutes). */
  banMs?: number;
  /** Server ping interval / pong deadline (Binance: 20 s / 60 s). */
  serverPing?: { intervalMs: number; timeoutMs: number };
  /** Close connections at this age (Binance: 24 h). */
  maxConnectionAgeMs?: number;
}

const WEIGHTS: Record<string, number> = {
  ping: 1,
  time: 1,
  'userDataStream.subscribe.signature': 2,
  'userDataStream.unsubscribe': 2,
  'order.place': 1,
  'order.cancel': 1,
  'order.status': 4,
  'openOrders.status': 6,
  'orderList.place.oco': 1,
  'orderList.place.otoco': 1,
  'account.status': 20,
};

const Request = z.object({
  id: z.union([z.number(), z.string().max(36), z.null()]),
  method: z.string(),
  params: z.record(z.string(), z.unknown()).optional(),
});

type Reply = { status: number; result?: unknown; error?: BnError; retryAfter?: number };

const MINUTE = 60_000;

export class BinanceApiServer extends SimServer<ApiMeta> {
  accepted = 0;
  peakConnections = 0;
  clockSkewMs: number;
  weightLimit: number;
  private readonly banMs: number;
  private weightWindow = 0;
  private weightUsed = 0;
  private warnedInWindow = false;
  private bannedUntil = 0;
  private maxAgeMs: number | null;
  private ageTimer: ReturnType<typeof setInterval> | null = null;
  private readonly history = new Map<string, Bar[]>();

  constructor(
    readonly exchange: BinanceExchange,
    opts: BinanceApiOptions = {},
  ) {
    super({
      name: 'binance-api',
      wsPath: '/ws-api/v3',
      port: opts.port,
      serverPing: opts.serverPing ?? { intervalMs: 20_000, timeoutMs: 60_000 },
    });
    this.clockSkewMs = opts.clockSkewMs ?? 0;
    this.weightLimit = opts.weightLimit ?? 6000;
    this.banMs = opts.banMs ?? 120_000;
    this.maxAgeMs = opts.maxConnectionAgeMs ?? null;
    this.defineFault(
      'ban',
      z.object({ kind: z.literal('ban'), ms: z.number().int().positive().default(120_000) }),
      (f) => {
        this.bannedUntil = Date.now() + f.ms;
      },
    );
    this.defineFault('revoke-key', z.object({ kind: z.literal('revoke-key') }), () =>
      this.expireCredentials(),
    );
    this.defineFault('server-shutdown', z.object({ kind: z.literal('server-shutdown') }), () =>
      this.serverShutdown(),
    );
    this.defineFault(
      'lifetime',
      z.object({ kind: z.literal('lifetime'), ms: z.number().int().positive() }),
      (f) => this.setMaxAge(f.ms),
    );
    this.defineFault('clock-skew', z.object({ kind: z.literal('clock-skew'), ms: z.number().int() }), (f) => {
      this.clockSkewMs = f.ms;
    });
    this.defineFault(
      'list-status-first',
      z.object({ kind: z.literal('list-status-first'), count: z.number().int().positive().default(1) }),
      (f) => {
        this.exchange.listStatusFirst += f.count;
      },
    );
    this.registerRoutes();
  }

  serverTime(): number {
    return Date.now() + this.clockSkewMs;
  }

  /** Un-revoke every key (a trader issuing a fresh one). */
  restoreKeys(): void {
    for (const k of this.exchange.keys.values()) k.revoked = false;
  }

  setMaxAge(ms: number | null): void {
    this.maxAgeMs = ms;
    this.armAgeTimer();
  }

  /** Binance's maintenance notice; the connection is cut soon after (the lead time was withdrawn). */
  serverShutdown(): void {
    const frame = JSON.stringify({ event: { e: 'serverShutdown', E: this.serverTime() } });
    for (const c of this.clients.values()) this.send(c, frame);
  }

  protected override onClearFaults(): void {
    this.bannedUntil = 0;
    this.exchange.listStatusFirst = 0;
  }

  protected override onStart(): void {
    this.armAgeTimer();
  }

  protected override onStop(): void {
    if (this.ageTimer !== null) clearInterval(this.ageTimer);
    this.ageTimer = null;
  }

  private armAgeTimer(): void {
    if (this.ageTimer !== null) clearInterval(this.ageTimer);
    this.ageTimer = null;
    const age = this.maxAgeMs;
    if (age === null || !this.running) return;
    this.ageTimer = setInterval(
      () => {
        const now = Date.now();
        for (const c of this.clients.values())
          if (now - c.openedAt >= age && !c.halfOpen) c.ws.close(1001, 'connection lifetime reached');
      },
      Math.max(10, Math.min(1000, age / 20)),
    );
  }

  protected override authorize(_req: IncomingMessage): Authorization<ApiMeta> {
    // The WebSocket API is open to anyone; each signed request (or subscription) proves the key.
    return { ok: true, meta: { subscriptions: new Map(), nextSubscription: 0 } };
  }

  protected override onOpen(): void {
    this.accepted += 1;
    this.peakConnections = Math.max(this.peakConnections, this.connectionCount);
  }

  protected override onClose(client: SimClient<ApiMeta>): void {
    for (const off of client.meta.subscriptions.values()) off();
    client.meta.subscriptions.clear();
  }

  /** A revoked key ends every user data subscription with an unsolicited 401 (-2015). */
  protected override expireCredentials(): void {
    for (const k of this.exchange.keys.values()) k.revoked = true;
    const frame = JSON.stringify({
      id: null,
      status: 401,
      error: { code: -2015, msg: 'Invalid API-key, IP, or permissions for action.' },
    });
    for (const c of this.clients.values()) {
      if (c.meta.subscriptions.size === 0) continue;
      for (const off of c.meta.subscriptions.values()) off();
      c.meta.subscriptions.clear();
      this.send(c, frame);
    }
  }

  protected override onMessage(client: SimClient<ApiMeta>, data: Buffer, isBinary: boolean): void {
    let raw: unknown;
    try {
      raw = isBinary ? undefined : JSON.parse(data.toString('utf8'));
    } catch {
      raw = undefined;
    }
    const parsed = Request.safeParse(raw);
    if (!parsed.success) {
      this.reply(client, null, {
        status: 400,
        error: { status: 400, code: -1000, msg: 'Malformed request.' },
      });
      return;
    }
    const { id, method } = parsed.data;
    const params = parsed.data.params ?? {};
    void this.handle(client, id, method, params);
  }

  private async handle(
    client: SimClient<ApiMeta>,
    id: string | number | null,
    method: string,
    params: Record<string, unknown>,
  ): Promise<void> {
    const weight = WEIGHTS[method];
    if (weight === undefined) {
      this.reply(client, id, {
        status: 400,
        error: { status: 400, code: -1100, msg: `Unknown method '${method}'.` },
      });
      return;
    }
    const limited = this.chargeWeight(weight);
    if (limited !== null) {
      this.reply(client, id, limited);
      return;
    }
    const outcome = await this.runRequest(method, () => this.execute(client, method, params));
    switch (outcome.kind) {
      case 'ok':
        return this.reply(client, id, outcome.value);
      case 'dropped':
        return;
      case 'rate-limited':
        return this.reply(client, id, {
          status: 429,
          error: {
            status: 429,
            code: -1003,
            msg: 'Too many requests; please use the websocket for live updates.',
          },
          retryAfter: this.serverTime() + outcome.retryAfterMs,
        });
      case 'failed-after-execute':
        // The backend may have executed it: Binance says so with -1007 (or a bare 5xx).
        return this.reply(client, id, {
          status: outcome.status,
          error: {
            status: outcome.status,
            code: -1007,
            msg: 'Timeout waiting for response from backend server. Send status unknown; execution status unknown.',
          },
        });
    }
  }

  /** Charge request weight; a 429 past the limit, a 418 ban for a client that ignores the 429. */
  private chargeWeight(weight: number): Reply | null {
    const now = Date.now();
    if (now < this.bannedUntil)
      return {
        status: 418,
        error: {
          status: 418,
          code: -1003,
          msg: `Way too much request weight used; IP banned until ${this.bannedUntil + this.clockSkewMs}.`,
        },
        retryAfter: this.bannedUntil + this.clockSkewMs,
      };
    const window = Math.floor(now / MINUTE);
    if (window !== this.weightWindow) {
      this.weightWindow = window;
      this.weightUsed = 0;
      this.warnedInWindow = false;
    }
    this.weightUsed += weight;
    if (this.weightUsed <= this.weightLimit) return null;
    if (this.warnedInWindow) {
      this.bannedUntil = now + this.banMs;
      return this.chargeWeight(0);
    }
    this.warnedInWindow = true;
    return {
      status: 429,
      error: {
        status: 429,
        code: -1003,
        msg: `Too much request weight used; current limit is ${this.weightLimit} request weight per 1 MINUTE.`,
      },
      retryAfter: (window + 1) * MINUTE + this.clockSkewMs,
    };
  }

  private rateLimits(): unknown[] {
    return [
      {
        rateLimitType: 'REQUEST_WEIGHT',
        interval: 'MINUTE',
        intervalNum: 1,
        limit: this.weightLimit,
        count: this.weightUsed,
      },
    ];
  }

  private reply(client: SimClient<ApiMeta>, id: string | number | null, r: Reply): void {
    const body: Record<string, unknown> = { id, status: r.status };
    if (r.error !== undefined) {
      body.error = {
        code: r.error.code,
        msg: r.error.msg,
        ...(r.retryAfter === undefined ? {} : { data: { retryAfter: r.retryAfter } }),
      };
      if (r.retryAfter !== undefined) body.retryAfter = r.retryAfter;
    } else body.result = r.result;
    body.rateLimits = this.rateLimits();
    this.send(client, JSON.stringify(body));
  }

  /** The account a signed request acts for, or the error Binance answers. */
  private signed(params: Record<string, unknown>, payload: string): { accountId: string } | Reply {
    const apiKey = typeof params.apiKey === 'string' ? params.apiKey : undefined;
    const key = apiKey === undefined ? undefined : this.exchange.keys.get(apiKey);
    if (key === undefined || key.revoked)
      return {
        status: 401,
        error: { status: 401, code: -2015, msg: 'Invalid API-key, IP, or permissions for action.' },
      };
    const time = checkTimestamp(params.timestamp, params.recvWindow, this.serverTime());
    if (time === 'bad')
      return {
        status: 400,
        error: {
          status: 400,
          code: -1102,
          msg: "Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed.",
        },
      };
    if (time === 'outside')
      return {
        status: 400,
        error: { status: 400, code: -1021, msg: 'Timestamp for this request is outside of the recvWindow.' },
      };
    const sig = typeof params.signature === 'string' ? params.signature : '';
    if (!signatureMatches(key.secret, payload, sig))
      return {
        status: 400,
        error: { status: 400, code: -1022, msg: 'Signature for this request is not valid.' },
      };
    return { accountId: key.accountId };
  }

  private execute(client: SimClient<ApiMeta>, method: string, params: Record<string, unknown>): Reply {
    if (method === 'ping') return { status: 200, result: {} };
    if (method === 'time') return { status: 200, result: { serverTime: this.serverTime() } };
    if (method === 'userDataStream.unsubscribe') {
      const wanted = params.subscriptionId;
      for (const [sid, off] of [...client.meta.subscriptions]) {
        if (wanted !== undefined && Number(wanted) !== sid) continue;
        off();
        client.meta.subscriptions.delete(sid);
        this.send(
          client,
          JSON.stringify({
            subscriptionId: sid,
            event: { e: 'eventStreamTerminated', E: this.serverTime() },
          }),
        );
      }
      return { status: 200, result: {} };
    }
    const auth = this.signed(params, wsApiPayload(params));
    if ('status' in auth) return auth;
    const accountId = auth.accountId;
    const ex = this.exchange;
    switch (method) {
      case 'userDataStream.subscribe.signature': {
        const sid = client.meta.nextSubscription++;
        const off = ex.onUserEvent(accountId, (e: UserEvent) =>
          this.send(client, JSON.stringify({ subscriptionId: sid, event: e })),
        );
        client.meta.subscriptions.set(sid, off);
        return { status: 200, result: { subscriptionId: sid } };
      }
      case 'order.place': {
        const r = ex.place(accountId, params);
        if (!r.ok) return { status: r.error.status, error: r.error };
        return { status: 200, result: orderJson(r.value) };
      }
      case 'order.cancel': {
        const r = ex.cancel(accountId, params);
        if (!r.ok) return { status: r.error.status, error: r.error };
        return { status: 200, result: { ...orderJson(r.value), origClientOrderId: r.value.clientOrderId } };
      }
      case 'order.status': {
        const o = ex.findOrder(accountId, String(params.symbol ?? ''), {
          orderId: params.orderId,
          origClientOrderId: params.origClientOrderId,
        });
        if (o === undefined)
          return { status: 400, error: { status: 400, code: -2013, msg: 'Order does not exist.' } };
        return { status: 200, result: orderJson(o) };
      }
      case 'openOrders.status':
        return {
          status: 200,
          result: ex
            .openOrders(accountId, typeof params.symbol === 'string' ? params.symbol : undefined)
            .map(orderJson),
        };
      case 'account.status':
        return { status: 200, result: this.accountJson(accountId) };
      case 'orderList.place.oco':
      case 'orderList.place.otoco': {
        const r =
          method === 'orderList.place.oco'
            ? ex.placeOco(accountId, params)
            : ex.placeOtoco(accountId, params);
        if (!r.ok) return { status: r.error.status, error: r.error };
        return { status: 200, result: listJson(r.value.list, r.value.orders) };
      }
      default:
        return { status: 400, error: { status: 400, code: -1100, msg: `Unknown method '${method}'.` } };
    }
  }

  private accountJson(accountId: string): Record<string, unknown> {
    return {
      makerCommission: 10,
      takerCommission: 10,
      canTrade: true,
      canWithdraw: true,
      canDeposit: true,
      updateTime: this.serverTime(),
      accountType: 'SPOT',
      balances: this.exchange.balances(accountId),
      permissions: ['SPOT'],
      uid: 1,
    };
  }

  // ---- REST ------------------------------------------------------------------------------------

  protected override restRateLimited(retryAfterMs: number): RestReply {
    return {
      status: 429,
      headers: { 'retry-after': String(Math.ceil(retryAfterMs / 1000)) },
      body: { code: -1003, msg: 'Too many requests; please use the websocket for live updates.' },
    };
  }

  protected override restServerError(status: number): RestReply {
    return {
      status,
      body: {
        code: -1007,
        msg: 'Timeout waiting for response from backend server. Send status unknown; execution status unknown.',
      },
    };
  }

  private registerRoutes(): void {
    const rest = (path: string, weight: number, fn: (req: RestRequest) => RestReply) =>
      this.restRoute(
        'GET',
        `/api/v3/${path}`,
        (req) => {
          const limited = this.chargeWeight(weight);
          const headers = { 'x-mbx-used-weight-1m': String(this.weightUsed) };
          if (limited !== null)
            return {
              status: limited.status,
              headers: {
                ...headers,
                'retry-after': String(
                  Math.max(1, Math.ceil(((limited.retryAfter ?? 0) - this.serverTime()) / 1000)),
                ),
              },
              body: { code: limited.error?.code, msg: limited.error?.msg },
            };
          const r = fn(req);
          return { ...r, headers: { ...headers, ...r.headers } };
        },
        path,
      );
    const signedRest = (
      path: string,
      weight: number,
      fn: (req: RestRequest, accountId: string) => RestReply,
    ) =>
      rest(path, weight, (req) => {
        const params: Record<string, unknown> = Object.fromEntries(req.query);
        const key = req.headers['x-mbx-apikey'];
        params.apiKey = Array.isArray(key) ? key[0] : key;
        const auth = this.signed(params, restPayload(req.query.toString()));
        if ('status' in auth)
          return { status: auth.status, body: { code: auth.error?.code, msg: auth.error?.msg } };
        return fn(req, auth.accountId);
      });
    rest('ping', 1, () => ({ status: 200, body: {} }));
    rest('time', 1, () => ({ status: 200, body: { serverTime: this.serverTime() } }));
    rest('exchangeInfo', 20, () => ({ status: 200, body: this.exchangeInfo() }));
    rest('klines', 2, (req) => this.klines(req));
    signedRest('account', 20, (_req, accountId) => ({ status: 200, body: this.accountJson(accountId) }));
    signedRest('openOrders', 6, (req, accountId) => ({
      status: 200,
      body: this.exchange.openOrders(accountId, req.query.get('symbol') ?? undefined).map(orderJson),
    }));
    signedRest('openOrderList', 6, (_req, accountId) => ({
      status: 200,
      body: this.exchange.openLists(accountId).map((l) => {
        const { orderReports: _r, ...rest } = listJson(l, []);
        return { ...rest, orders: l.orderIds.map((i) => ({ symbol: l.symbol, orderId: i })) };
      }),
    }));
    signedRest('myTrades', 20, (req, accountId) => {
      const symbol = req.query.get('symbol');
      if (symbol === null || !this.exchange.pairs.has(symbol))
        return { status: 400, body: { code: -1121, msg: 'Invalid symbol.' } };
      const from = req.query.get('fromId');
      return {
        status: 200,
        body: this.exchange
          .trades(accountId, symbol, from === null ? undefined : Number(from))
          .map(tradeJson),
      };
    });
    signedRest('order', 4, (req, accountId) => {
      const o = this.exchange.findOrder(accountId, req.query.get('symbol') ?? '', {
        ...(req.query.has('orderId') ? { orderId: req.query.get('orderId') } : {}),
        ...(req.query.has('origClientOrderId')
          ? { origClientOrderId: req.query.get('origClientOrderId') }
          : {}),
      });
      if (o === undefined) return { status: 400, body: { code: -2013, msg: 'Order does not exist.' } };
      return { status: 200, body: orderJson(o) };
    });
  }

  private exchangeInfo(): Record<string, unknown> {
    return {
      timezone: 'UTC',
      serverTime: this.serverTime(),
      rateLimits: [
        { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: this.weightLimit },
        { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 100 },
      ],
      symbols: [...this.exchange.pairs.values()].map((p) => ({
        symbol: p.instrument.symbol,
        status: 'TRADING',
        baseAsset: p.baseAsset,
        baseAssetPrecision: 8,
        quoteAsset: p.quoteAsset,
        quoteAssetPrecision: 8,
        orderTypes: [
          'LIMIT',
          'LIMIT_MAKER',
          'MARKET',
          'STOP_LOSS',
          'STOP_LOSS_LIMIT',
          'TAKE_PROFIT',
          'TAKE_PROFIT_LIMIT',
        ],
        ocoAllowed: true,
        otoAllowed: true,
        isSpotTradingAllowed: true,
        filters: [
          {
            filterType: 'PRICE_FILTER',
            minPrice: dec(p.instrument.tickSize),
            maxPrice: dec(1_000_000),
            tickSize: dec(p.instrument.tickSize),
          },
          {
            filterType: 'LOT_SIZE',
            minQty: dec(p.minQty),
            maxQty: dec(p.maxQty),
            stepSize: dec(p.instrument.qtyStep),
          },
          {
            filterType: 'NOTIONAL',
            minNotional: dec(p.minNotional),
            applyMinToMarket: true,
            maxNotional: dec(p.maxNotional),
            applyMaxToMarket: false,
            avgPriceMins: 5,
          },
          {
            filterType: 'TRAILING_DELTA',
            minTrailingAboveDelta: 10,
            maxTrailingAboveDelta: 2000,
            minTrailingBelowDelta: 10,
            maxTrailingBelowDelta: 2000,
          },
        ],
      })),
    };
  }

  private klines(req: RestRequest): RestReply {
    const symbol = req.query.get('symbol') ?? '';
    const pair = this.exchange.pairs.get(symbol);
    if (pair === undefined) return { status: 400, body: { code: -1121, msg: 'Invalid symbol.' } };
    const intervalMs = {
      '1m': 60_000,
      '5m': 300_000,
      '15m': 900_000,
      '1h': 3_600_000,
      '4h': 14_400_000,
      '1d': 86_400_000,
    }[req.query.get('interval') ?? ''];
    if (intervalMs === undefined) return { status: 400, body: { code: -1120, msg: 'Invalid interval.' } };
    const limit = Math.min(1000, Math.max(1, Number(req.query.get('limit') ?? 500)));
    let bars = this.history.get(symbol);
    if (bars === undefined) {
      bars = generateHistory(pair, mulberry32(deriveSeed(7, `${symbol}#history`)), this.createdAt, 3000);
      this.history.set(symbol, bars);
    }
    // Aggregate the 1m tape into the interval, then take the newest `limit`.
    const out: Bar[] = [];
    for (const b of bars) {
      const t = Math.floor(b.time / intervalMs) * intervalMs;
      const last = out[out.length - 1];
      if (last !== undefined && last.time === t) {
        last.high = Math.max(last.high, b.high);
        last.low = Math.min(last.low, b.low);
        last.close = b.close;
        last.volume += b.volume;
      } else out.push({ ...b, time: t });
    }
    // `endTime` bounds a kline's open time (inclusive), as on Binance.
    const endTime = Number(req.query.get('endTime') ?? Number.POSITIVE_INFINITY);
    return {
      status: 200,
      body: out
        .filter((b) => b.time <= endTime)
        .slice(-limit)
        .map((b) => [
          b.time,
          dec(b.open),
          dec(b.high),
          dec(b.low),
          dec(b.close),
          dec(b.volume),
          b.time + intervalMs - 1,
          dec(b.volume * b.close),
          1,
          dec(0),
          dec(0),
          '0',
        ]),
    };
  }

  private readonly createdAt = Date.now();
}
