/**
 * The Binance Spot link (`protocols/brokers.md` §3): two sockets — the WebSocket API (orders and
 * the user data stream, essential) and a combined market-stream socket (auxiliary: silence makes
 * the connection stale, not down) — plus REST for the resync. The user data stream is the current
 * mechanism: `userDataStream.subscribe.signature` on the WebSocket API session, events wrapped
 * `{subscriptionId, event}` (the listenKey streams stopped working on 2026-02-20). Binance replays
 * nothing after a reconnect, so every resync reads account, open orders and trades over REST.
 * Binance pings every 20 s and `ws` answers; the RTT probe is the `time` method, which also keeps
 * our estimate of the server clock for signed timestamps.
 */
import type { ConnectionHealth, Fill, Order } from '../../../../shared/domain';
import type { ConnectionEvent, ReportedPosition, ResyncSnapshot } from '../../connection';
import type { Clock } from '../../supervisor/clock';
import {
  type CloseInfo,
  type HeartbeatOptions,
  type Link,
  type LinkAdapter,
  type LinkContext,
  LinkError,
  type LinkHandlers,
  type LinkSocketSpec,
  RequestError,
  type RequestOptions,
} from '../../supervisor/link';
import type { SupervisorLogger } from '../../supervisor/supervisor';
import { readFrame } from '../kit/frames';
import { PendingRequests, RequestIds } from '../kit/pending';
import { type BrokerSocket, openSockets } from '../kit/socket';
import {
  commissionInQuote,
  currencyOfQuote,
  fillFromTrade,
  instrumentOf,
  orderFromBody,
  orderFromReport,
  rulesFrom,
  type SymbolRules,
} from './mapping';
import { MarketFeed, wantedStreams } from './market';
import {
  AccountBody,
  ApiFrame,
  ExchangeInfoBody,
  type ExecutionReport,
  OrderBody,
  ServerTime,
  SubscriptionResult,
  TradeBody,
  UserEvent,
} from './messages';
import { BinanceRest } from './rest';
import { ServerClock, Signer } from './signing';
import { CostBasis, fromUnits, toUnits } from './units';
import { WeightMeter } from './weights';
import { z } from 'zod';

export interface BinanceUrls {
  /** Base before `/api/v3/…`. */
  rest: string;
  /** Base before `/stream?streams=…`. */
  stream: string;
  /** The full WebSocket API address (`…/ws-api/v3`). */
  wsApi: string;
}

export interface BinanceLinkOptions {
  connectionId: string;
  label: string;
  urls: BinanceUrls;
  apiKey: string;
  apiSecret: string;
  /** Holdings are shown as positions in `<ASSET><quoteAsset>`; cash is this asset (default USDT). */
  quoteAsset?: string;
  recvWindow?: number;
  /** Symbols streamed from the start (more via `setInterest`). */
  symbols?: readonly string[];
  heartbeat?: Partial<HeartbeatOptions>;
  /** Binance cuts every connection at 24 h; rotate before. */
  maxConnectionAgeMs?: number;
  maxPayloadBytes?: number;
  /** Share of the minute's request weight kept for order entry (default 0.8 for everything else). */
  weightReserve?: number;
  logger: SupervisorLogger;
  now?: () => number;
}

/** WebSocket API methods that need a signature, with their request weight. */
export const METHOD_WEIGHT: Record<string, { weight: number; signed: boolean; order: boolean }> = {
  time: { weight: 1, signed: false, order: false },
  'userDataStream.subscribe.signature': { weight: 2, signed: true, order: false },
  'order.place': { weight: 1, signed: true, order: true },
  'order.cancel': { weight: 1, signed: true, order: true },
  'order.status': { weight: 4, signed: true, order: true },
  'openOrders.status': { weight: 6, signed: true, order: false },
  'orderList.place.oco': { weight: 1, signed: true, order: true },
  'orderList.place.otoco': { weight: 1, signed: true, order: true },
};

/** A WebSocket API error reply. 5xx and -1007 mean "maybe executed": ambiguous. */
export class BinanceApiError extends RequestError {
  constructor(
    readonly status: number,
    readonly binanceCode: number,
    message: string,
  ) {
    super('rejected', message, {
      ambiguous: status >= 500 || binanceCode === -1007,
      code: status === 429 ? 'rate_limited' : status === 418 ? 'ip_banned' : String(binanceCode),
    });
  }
}

const ACCOUNT = 'spot';
const DAY = 86_400_000;

/** What outlives one link: exchange rules, the server clock, weights, cost bases, interest. */
export class BinanceState {
  readonly clock = new ServerClock();
  readonly weights: WeightMeter;
  readonly signer: Signer;
  readonly rest: BinanceRest;
  rules = new Map<string, SymbolRules>();
  readonly interest = new Set<string>();
  /** Symbols whose book a ladder watches (a subset of `interest`). */
  readonly depthInterest = new Set<string>();
  readonly lists = new Map<number, 'oco' | 'bracket'>();
  /** Client order id → symbol, so a lookup by our id can name the symbol Binance requires. */
  readonly symbolOfClientId = new Map<string, string>();
  readonly quoteAsset: string;
  readonly recvWindow: number;

  constructor(
    readonly o: BinanceLinkOptions,
    readonly now: () => number,
  ) {
    this.signer = new Signer(o.apiKey, o.apiSecret);
    this.weights = new WeightMeter(now, o.weightReserve ?? 0.8);
    this.quoteAsset = o.quoteAsset ?? 'USDT';
    this.recvWindow = o.recvWindow ?? 5000;
    this.rest = new BinanceRest({
      base: o.urls.rest,
      signer: this.signer,
      clock: this.clock,
      weights: this.weights,
      now,
      recvWindow: this.recvWindow,
    });
    for (const s of o.symbols ?? []) this.interest.add(s.toUpperCase());
  }

  rememberClientId(clientOrderId: string, symbol: string): void {
    this.symbolOfClientId.set(clientOrderId, symbol);
    if (this.symbolOfClientId.size > 20_000) {
      const first = this.symbolOfClientId.keys().next();
      if (first.done !== true) this.symbolOfClientId.delete(first.value);
    }
  }
}

export class BinanceAdapter implements LinkAdapter {
  readonly sockets: readonly LinkSocketSpec[] = [
    { name: 'api', essential: true },
    { name: 'market', essential: false },
  ];
  readonly heartbeat: HeartbeatOptions;
  readonly maxConnectionAgeMs: number;
  readonly state: BinanceState;
  private current: BinanceLink | null = null;

  constructor(private readonly o: BinanceLinkOptions) {
    // Server pings every 20 s, so silence past 75 s (three missed pings) is a dead socket.
    this.heartbeat = { keepaliveMs: null, silenceMs: 75_000, probeMs: 30_000, ...o.heartbeat };
    this.maxConnectionAgeMs = o.maxConnectionAgeMs ?? DAY;
    this.state = new BinanceState(o, o.now ?? Date.now);
  }

  /** The symbols the terminal needs: subscribe on the live link (and every link after it). */
  setInterest(symbols: ReadonlySet<string>): void {
    this.state.interest.clear();
    for (const s of symbols) this.state.interest.add(s.toUpperCase());
    this.current?.refreshStreams();
  }

  /** The symbols whose partial book depth streams, while a ladder watches them. */
  setDepthInterest(symbols: ReadonlySet<string>): void {
    this.state.depthInterest.clear();
    for (const s of symbols) this.state.depthInterest.add(s.toUpperCase());
    this.current?.refreshStreams();
  }

  /** Last price of a streamed symbol on the current link (filters, trailing distances). */
  lastPrice(symbol: string): number | null {
    return this.current?.lastPrice(symbol) ?? null;
  }

  headroom(): ReturnType<WeightMeter['headroom']> {
    return this.state.weights.headroom();
  }

  /** Request-weight headroom for the connection's health (the connections panel shows it). */
  healthExtra(): Pick<ConnectionHealth, 'rateLimit'> {
    const h = this.state.weights.headroom();
    return {
      rateLimit: {
        used: h.used,
        limit: h.limit,
        headroomPct: Math.round(h.free * 1000) / 10,
        blockedUntil: h.blockedUntil,
      },
    };
  }

  async open(handlers: LinkHandlers, signal: AbortSignal, context: LinkContext): Promise<Link> {
    // Banned or told to wait (418 / 429): opening would cost weight and connection attempts.
    const blocked = this.state.weights.refusal(0, true);
    if (blocked !== null) throw new LinkError('capacity', blocked);
    const { streams, dropped } = wantedStreams(this.state.interest, this.state.depthInterest);
    if (dropped.length > 0)
      this.o.logger.warn(
        { connectionId: this.o.connectionId, dropped: dropped.length },
        'over 1024 streams: some symbols not streamed',
      );
    const base = this.o.urls.stream.replace(/\/$/, '');
    const marketUrl = streams.length === 0 ? `${base}/stream` : `${base}/stream?streams=${streams.join('/')}`;
    const maxPayload = this.o.maxPayloadBytes ?? 4 * 1024 * 1024;
    const sockets = await openSockets(
      {
        api: { url: this.o.urls.wsApi, options: { maxPayload } },
        market: { url: marketUrl, options: { maxPayload } },
      },
      signal,
    );
    const link = new BinanceLink(
      sockets.api,
      sockets.market,
      handlers,
      this.state,
      context.clock,
      streams,
      this.o.logger,
    );
    this.current = link;
    return link;
  }
}

/** Freshness of one order's reports: Binance has no version, so transaction time then progress. */
interface OrderStamp {
  T: number;
  z: bigint;
  done: boolean;
}

class BinanceLink implements Link {
  private readonly pending: PendingRequests<number, ApiFrame>;
  private readonly ids = new RequestIds();
  private readonly market: MarketFeed;
  private closedOnce = false;
  /** User events that arrive while the resync reads REST: applied after the snapshot is built. */
  private buffered: UserEvent[] | null = [];
  private readonly stamps = new Map<string, OrderStamp>();
  private readonly basis = new Map<string, CostBasis>();
  /** Balances (free + locked) in 1e-8 units, and the `u` of the report that set each. */
  private readonly balances = new Map<string, { units: bigint; u: number }>();
  /** Trades the snapshot already folded into the cost basis (replayed reports must not add again). */
  private known = new Set<string>();
  private readonly cid: string;

  constructor(
    private readonly api: BrokerSocket,
    private readonly marketSocket: BrokerSocket,
    private readonly h: LinkHandlers,
    private readonly st: BinanceState,
    private readonly clock: Clock,
    streams: readonly string[],
    private readonly log: SupervisorLogger,
  ) {
    this.cid = st.o.connectionId;
    this.pending = new PendingRequests(clock);
    this.market = new MarketFeed(
      marketSocket,
      h,
      this.cid,
      clock,
      streams,
      () => h.rotate?.('serverShutdown on the market stream'),
      (obj, msg) => log.warn(obj, msg),
    );
    api.attach({
      message: (data, isBinary) => this.onApiFrame(data, isBinary),
      oversized: (detail) => this.oversized(detail),
      error: (err) => log.warn({ connectionId: this.cid, socket: 'api', err: err.message }, 'socket error'),
      closed: (info) => this.closeWith(info),
      ping: () => this.h.frame('api'),
    });
    marketSocket.attach({
      message: (data, isBinary) => this.market.onFrame(data, isBinary),
      oversized: (detail) => this.oversized(detail),
      error: (err) =>
        log.warn({ connectionId: this.cid, socket: 'market', err: err.message }, 'socket error'),
      closed: (info) => this.closeWith(info),
      ping: () => this.h.frame('market'),
    });
  }

  lastPrice(symbol: string): number | null {
    return this.market.lastPrice(symbol);
  }

  refreshStreams(): void {
    if (this.closedOnce) return;
    const { streams, dropped } = wantedStreams(this.st.interest, this.st.depthInterest);
    if (dropped.length > 0)
      this.log.warn(
        { connectionId: this.cid, dropped: dropped.length },
        'over 1024 streams: some symbols not streamed',
      );
    this.market.want(streams);
  }

  // ---- Link --------------------------------------------------------------------------------------

  async authenticate(signal: AbortSignal): Promise<void> {
    try {
      await this.syncTime(signal);
      let result: unknown;
      try {
        result = await this.call('userDataStream.subscribe.signature', {}, signal);
      } catch (err) {
        if (!(err instanceof BinanceApiError) || err.binanceCode !== -1021) throw err;
        // Our clock drifted outside recvWindow since the measurement: measure again, once.
        await this.syncTime(signal);
        result = await this.call('userDataStream.subscribe.signature', {}, signal);
      }
      SubscriptionResult.parse(result);
    } catch (err) {
      throw asLinkError(err);
    }
  }

  async resync(signal: AbortSignal): Promise<ResyncSnapshot> {
    try {
      const snapshot = await this.readSnapshot(signal);
      const held = this.buffered ?? [];
      this.buffered = null;
      for (const e of held) this.onUserEvent(e);
      this.known = new Set();
      return snapshot;
    } catch (err) {
      throw asLinkError(err);
    }
  }

  ping(socket?: string): void {
    if (socket !== undefined && socket !== 'api') return;
    const sent = this.clock.now();
    this.call('time', {}).then(
      (r) => {
        const parsed = ServerTime.safeParse(r);
        if (!parsed.success) return;
        this.st.clock.observe(sent, this.clock.now(), parsed.data.serverTime);
        this.h.pong(parsed.data.serverTime, 'api');
      },
      () => undefined,
    );
  }

  request(op: string, payload: unknown, opts: RequestOptions): Promise<unknown> {
    const params = (payload ?? {}) as Record<string, string | number | boolean>;
    return this.call(op, params, opts.signal, opts.timeoutMs);
  }

  close(code: number, reason: string): void {
    this.market.close();
    this.api.close(code, reason);
    this.marketSocket.close(code, reason);
  }

  terminate(): void {
    this.market.close();
    this.api.terminate();
    this.marketSocket.terminate();
  }

  // ---- WebSocket API -------------------------------------------------------------------------------

  private async syncTime(signal?: AbortSignal): Promise<void> {
    const sent = this.clock.now();
    const r = ServerTime.parse(await this.call('time', {}, signal));
    this.st.clock.observe(sent, this.clock.now(), r.serverTime);
  }

  /** One WebSocket API request: signed when the method needs it, weight-checked before sending. */
  private call(
    method: string,
    params: Record<string, string | number | boolean>,
    signal?: AbortSignal,
    timeoutMs?: number,
  ): Promise<unknown> {
    const meta = METHOD_WEIGHT[method] ?? { weight: 1, signed: true, order: false };
    const refusal = this.st.weights.refusal(meta.weight, meta.order);
    if (refusal !== null)
      return Promise.reject(
        new RequestError('rejected', refusal, { ambiguous: false, code: 'rate_limited' }),
      );
    const id = this.ids.take();
    const signed = meta.signed
      ? this.st.signer.signParams(params, this.st.clock.at(this.clock.now()), this.st.recvWindow)
      : params;
    const wait = this.pending.wait(id, {
      op: method,
      ...(signal === undefined ? {} : { signal }),
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    });
    this.st.weights.charge(meta.weight);
    if (!this.api.send({ id, method, params: signed })) {
      this.pending.reject(
        id,
        new RequestError('not_connected', `${method}: socket closed`, { ambiguous: false }),
      );
    }
    return wait.then((frame) => {
      if (frame.status === 200) return frame.result;
      throw this.errorOf(method, frame);
    });
  }

  private errorOf(method: string, f: ApiFrame): BinanceApiError {
    const status = f.status ?? 0;
    const code = f.error?.code ?? 0;
    const retryAfter = f.retryAfter ?? f.error?.data?.retryAfter;
    if ((status === 429 || status === 418) && retryAfter !== undefined)
      // retryAfter is on Binance's clock; translate to ours.
      this.st.weights.block(retryAfter - this.st.clock.offset, status === 418);
    else if (status === 429 || status === 418)
      this.st.weights.block(this.clock.now() + 60_000, status === 418);
    return new BinanceApiError(status, code, `${method}: ${status} ${code} ${f.error?.msg ?? ''}`.trim());
  }

  private onApiFrame(data: Buffer, isBinary: boolean): void {
    this.h.frame('api');
    const f = readFrame(ApiFrame, data, isBinary, this.h);
    if (f === null) return;
    const limit = f.rateLimits?.find((r) => r.rateLimitType === 'REQUEST_WEIGHT');
    if (limit?.count !== undefined) this.st.weights.observe(limit.count, limit.limit);
    if (typeof f.id === 'number' && f.status !== undefined) {
      this.pending.resolve(f.id, f);
      return;
    }
    if (f.id === null && f.status === 401) {
      // The key was revoked mid-session: Binance ends the subscription with an unsolicited 401.
      this.closeWith({
        code: 1008,
        reason: `Binance revoked the API key: ${f.error?.code ?? ''} ${f.error?.msg ?? ''}`.trim(),
      });
      this.terminate();
      return;
    }
    if (f.event !== undefined) {
      const parsed = UserEvent.safeParse(f.event);
      if (!parsed.success) {
        const e = f.event.e;
        // Event types added after this adapter (Binance adds them) are skipped, not counted as damage.
        if (!['executionReport', 'listStatus', 'outboundAccountPosition', 'balanceUpdate'].includes(e))
          return;
        return this.h.malformed(
          `${e}: ${parsed.error.issues[0]?.path.join('.') ?? ''}`,
          data.toString('utf8', 0, 200),
        );
      }
      if (this.buffered !== null && parsed.data.e !== 'serverShutdown') this.buffered.push(parsed.data);
      else this.onUserEvent(parsed.data);
      return;
    }
    this.h.malformed('WebSocket API frame that is neither reply nor event', data.toString('utf8', 0, 200));
  }

  /**
   * A frame over the limit ends the link (1009) at once: the other leg is cut with it, so a second
   * oversized frame already on its way there is not counted as more damage.
   */
  private oversized(detail: string): void {
    if (this.closedOnce) return;
    this.h.malformed('oversized frame', detail);
    this.closeWith({ code: 1009, reason: 'frame too large' });
  }

  private closeWith(info: CloseInfo): void {
    if (this.closedOnce) return;
    this.closedOnce = true;
    this.market.close();
    this.pending.close(`closed (${info.code})`);
    // One leg down is the link down: the other is cut too, and the supervisor reconnects both.
    this.api.terminate();
    this.marketSocket.terminate();
    this.h.closed(info);
  }

  // ---- user data ---------------------------------------------------------------------------------

  private onUserEvent(e: UserEvent): void {
    switch (e.e) {
      case 'executionReport':
        return this.onExecution(e);
      case 'listStatus':
        this.st.lists.set(e.g, e.c === 'OCO' ? 'oco' : 'bracket');
        return;
      case 'outboundAccountPosition': {
        for (const b of e.B) {
          const units = toUnits(b.f) + toUnits(b.l);
          const prev = this.balances.get(b.a);
          // Reports carry `u` (last account update): an older one arriving late changes nothing.
          if (prev !== undefined && prev.u > e.u) continue;
          this.balances.set(b.a, { units, u: e.u });
          if (b.a === this.st.quoteAsset) this.emitAccount(units);
          else this.emitPosition(b.a);
        }
        return;
      }
      case 'balanceUpdate':
        // The outboundAccountPosition that follows carries the new balance.
        return;
      case 'eventStreamTerminated':
        this.closeWith({ code: 1011, reason: 'user data stream terminated by Binance' });
        this.terminate();
        return;
      case 'serverShutdown':
        this.h.rotate?.('serverShutdown on the WebSocket API');
        return;
      case 'externalLockUpdate':
        return;
    }
  }

  private onExecution(r: ExecutionReport): void {
    // No `data()` here: user events are sporadic, and a cadence learned from a burst of fills
    // would call the connection stale as soon as trading paused.
    const key = String(r.i);
    const z = toUnits(r.z);
    const done = !['NEW', 'PENDING_NEW', 'PARTIALLY_FILLED', 'PENDING_CANCEL'].includes(r.X);
    const prev = this.stamps.get(key);
    // Binance gives no order version: a report older in time, or the same time with less filled,
    // or working after done, is a late copy (reordered or replayed) and must not roll it back.
    const fresh =
      prev === undefined ||
      r.T > prev.T ||
      (r.T === prev.T && (z > prev.z || (z === prev.z && (done || !prev.done))));
    const events: ConnectionEvent[] = [];
    if (fresh) {
      this.stamps.set(key, { T: r.T, z, done });
      if (this.stamps.size > 50_000) {
        const first = this.stamps.keys().next();
        if (first.done !== true) this.stamps.delete(first.value);
      }
      events.push({ type: 'order', order: orderFromReport(r, this.cid, ACCOUNT, this.st.lists) });
    } else this.log.info({ connectionId: this.cid, orderId: key }, 'out-of-order execution report dropped');
    if (r.x === 'TRADE' && r.t >= 0) {
      const rules = this.st.rules.get(r.s);
      const base = rules?.base ?? r.s.replace(new RegExp(`${this.st.quoteAsset}$`), '');
      const quote = rules?.quote ?? this.st.quoteAsset;
      const price = toUnits(r.L);
      const qty = toUnits(r.l);
      const fee = toUnits(r.n);
      const fill: Fill = {
        id: `${r.s}:${r.t}`,
        orderId: key,
        connectionId: this.cid,
        accountId: ACCOUNT,
        symbol: r.s,
        side: r.S === 'BUY' ? 'buy' : 'sell',
        qty: fromUnits(qty),
        price: fromUnits(price),
        commission: commissionInQuote(fee, r.N, base, quote, price, (a) => this.assetPrice(a)),
        ts: r.T,
      };
      // Replayed executions pass through: the ledger dedupes fills by id.
      events.push({ type: 'fill', fill });
      if (!this.known.has(fill.id)) {
        this.known.add(fill.id);
        const baseFee = r.N === base ? fee : 0n;
        const b = this.basisOf(base);
        const bal = this.balances.get(base) ?? { units: 0n, u: 0 };
        const delta = r.S === 'BUY' ? qty - baseFee : -qty - baseFee;
        if (r.S === 'BUY') b.buy(qty, price, baseFee);
        else b.sell(qty, baseFee, price);
        // The balance moves now unless an account report at or after this trade already has it
        // (reports can come first when frames are reordered); the next report corrects either way.
        if (r.T > bal.u) this.balances.set(base, { units: bal.units + delta, u: bal.u });
        const pos = this.position(base);
        if (pos !== null) events.push({ type: 'position', position: pos });
      }
    }
    for (const e of events) this.h.event(e);
  }

  private basisOf(asset: string): CostBasis {
    let b = this.basis.get(asset);
    if (b === undefined) {
      b = new CostBasis();
      this.basis.set(asset, b);
    }
    return b;
  }

  /** An asset's price in the quote asset (commissions paid in BNB), from the live stream. */
  private assetPrice(asset: string): number | null {
    return this.market.lastPrice(`${asset}${this.st.quoteAsset}`);
  }

  private position(asset: string): ReportedPosition | null {
    const symbol = `${asset}${this.st.quoteAsset}`;
    if (this.st.rules.size > 0 && !this.st.rules.has(symbol)) return null;
    const held = this.balances.get(asset)?.units ?? 0n;
    const b = this.basisOf(asset);
    return {
      accountId: ACCOUNT,
      symbol,
      qty: fromUnits(held),
      // Average over the part the trade history explains (see resync: a partial cost is logged).
      avgPrice: held === 0n ? 0 : (b.avgPrice() ?? 0),
      // Binance reports no mark for a holding: the terminal marks it from the live quote.
      mark: null,
      markedAt: null,
      realizedPnl: b.realizedPnl(),
      // Part of the balance predates the trade history (a deposit): the UI says so, never guesses.
      ...(held > 0n && b.qty < held ? { costPartial: true } : {}),
    };
  }

  private emitPosition(asset: string): void {
    const p = this.position(asset);
    if (p !== null) this.h.event({ type: 'position', position: p });
  }

  private emitAccount(units: bigint): void {
    this.h.event({
      type: 'account',
      account: {
        accountId: ACCOUNT,
        name: this.st.o.label,
        currency: currencyOfQuote(this.st.quoteAsset),
        cash: fromUnits(units),
        spot: true,
      },
    });
  }

  // ---- resync over REST --------------------------------------------------------------------------

  private async readSnapshot(signal: AbortSignal): Promise<ResyncSnapshot> {
    const rest = this.st.rest;
    if (!this.st.clock.measured) await rest.syncTime(signal);
    if (this.st.rules.size === 0) {
      const info = ExchangeInfoBody.parse(await rest.get('exchangeInfo', {}, 20, signal));
      this.st.rules = new Map(rulesFrom(info, this.st.quoteAsset).map((r) => [r.symbol, r]));
    }
    for (const r of this.st.rules.values())
      this.h.event({ type: 'instrument', instrument: instrumentOf(r, this.cid) });
    const account = AccountBody.parse(await rest.signed('account', { omitZeroBalances: 'true' }, 20, signal));
    const open = z.array(OrderBody).parse(await rest.signed('openOrders', {}, 80, signal));
    this.balances.clear();
    for (const b of account.balances)
      this.balances.set(b.asset, { units: toUnits(b.free) + toUnits(b.locked), u: 0 });
    this.basis.clear();
    const fills: Fill[] = [];
    const positions: ReportedPosition[] = [];
    for (const [asset, bal] of this.balances) {
      if (asset === this.st.quoteAsset || bal.units <= 0n) continue;
      const rules = this.st.rules.get(`${asset}${this.st.quoteAsset}`);
      if (rules === undefined) continue;
      const trades = await this.allTrades(rules.symbol, signal);
      const basis = this.basisOf(asset);
      for (const t of trades) {
        const qty = toUnits(t.qty);
        const fee = t.commissionAsset === asset ? toUnits(t.commission) : 0n;
        if (t.isBuyer) basis.buy(qty, toUnits(t.price), fee);
        else basis.sell(qty, fee, toUnits(t.price));
        const f = fillFromTrade(t, this.cid, ACCOUNT, rules, (a) => this.assetPrice(a));
        this.known.add(f.id);
        fills.push(f);
      }
      if (basis.qty < bal.units)
        // Part of the balance predates the trade history (a deposit, or older than what we read).
        this.log.warn(
          {
            connectionId: this.cid,
            symbol: rules.symbol,
            held: fromUnits(bal.units),
            explained: fromUnits(basis.qty),
          },
          'average cost covers only part of the balance',
        );
      const p = this.position(asset);
      if (p !== null) positions.push(p);
    }
    const orders: Order[] = open.map((o) => {
      this.st.rememberClientId(o.clientOrderId, o.symbol);
      this.stamps.set(String(o.orderId), { T: o.updateTime ?? 0, z: toUnits(o.executedQty), done: false });
      return orderFromBody(o, this.cid, ACCOUNT, this.st.lists);
    });
    const cash = this.balances.get(this.st.quoteAsset)?.units ?? 0n;
    return {
      accounts: [
        {
          accountId: ACCOUNT,
          name: this.st.o.label,
          currency: currencyOfQuote(this.st.quoteAsset),
          cash: fromUnits(cash),
          spot: true,
        },
      ],
      orders,
      fills,
      positions,
    };
  }

  /** Every trade of `symbol`, oldest first, paged by `fromId` (1000 a page, at most 10 pages). */
  private async allTrades(symbol: string, signal: AbortSignal): Promise<z.infer<typeof TradeBody>[]> {
    const out: z.infer<typeof TradeBody>[] = [];
    let fromId = 0;
    for (let page = 0; page < 10; page++) {
      const batch = z
        .array(TradeBody)
        .parse(await this.st.rest.signed('myTrades', { symbol, fromId, limit: 1000 }, 20, signal));
      out.push(...batch);
      if (batch.length < 1000) break;
      fromId = (batch[batch.length - 1]?.id ?? fromId) + 1;
    }
    return out;
  }
}

/** The supervisor's policy reads `LinkError` kinds. */
function asLinkError(err: unknown): Error {
  if (err instanceof LinkError) return err;
  if (err instanceof BinanceApiError) {
    const c = err.binanceCode;
    if (err.status === 401 || c === -2015 || c === -2014 || c === -2008 || c === -1022)
      return new LinkError('auth', `${err.message} — check the API key and secret`);
    if (err.status === 429 || err.status === 418) return new LinkError('capacity', err.message);
    return new LinkError('protocol', err.message);
  }
  return new LinkError('network', err instanceof Error ? err.message : String(err));
}
