/**
 * The Tradovate simulator (brokers.md §1): REST (`/v1/auth/accesstokenrequest`,
 * `/v1/auth/renewaccesstoken`, entity endpoints), the trading socket (`/v1/websocket`) and the
 * market-data socket (`/md/v1/websocket`) on one port, with the real framing: `o` on open, `h`
 * only while idle, `a[...]` batches, `c[code,"reason"]` before a close; requests
 * `endpoint\nid\nquery\nbody`, replies `{"s","i","d"}`; a socket that stops sending `[]` is
 * dropped. Trading goes through the shared venue (`src/exchange`) via `TradovateBook`.
 *
 * Protocol faults beside the shared vocabulary: `expire-token` (tokens die, open sockets live on),
 * `penalty` (the next token requests get a p-ticket), `quota-kick` (the oldest socket gets a
 * `shutdown` event, a close frame, and its token revoked), `shutdown` (maintenance), `close-frame`.
 */
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { generateHistory } from '../../src/exchange/history';
import type { VenueQuote } from '../../src/exchange/venue';
import type { Bar } from '../../src/shared/domain';
import { deriveSeed, mulberry32 } from '../../src/shared/random';
import { type Authorization, type RequestOutcome, type SimClient, SimServer } from '../base';
import { RateWindow } from '../rateWindow';
import type { RestReply, RestRequest } from '../rest';
import { World, type WorldOptions } from '../world';
import { type Entity, type PropsEvent, TradovateBook } from './book';
import { closeFrame, dataFrame, parseClientRequest, tradovateCodec } from './codec';
import {
  contractEntity,
  futures,
  futureSpecs,
  maturityEntity,
  productEntity,
  type SimFuture,
} from './contracts';
import { type Answer, TradovateOrders } from './orders';

export const TRADOVATE_USER = 'trader';
export const TRADOVATE_PASSWORD = 'pw-trader';
export const TRADOVATE_CID = '8';
export const TRADOVATE_SEC = 'sim-api-secret';
export const TRADOVATE_APP_ID = 'Peregrine';
export const TRADOVATE_ACCOUNT_ID = 701234;
export const TRADOVATE_USER_ID = 4242;

export type SocketRole = 'trading' | 'md';

export interface TradovateMeta {
  role: SocketRole;
  token: string | null;
  /** Sync subscription (trading socket): unsubscribe from the account's props. */
  unsubscribe: (() => void) | null;
  /** Quote subscriptions (md socket), by contract id. */
  quotes: Set<number>;
  /** Chart subscriptions (md socket), by realtime id. */
  charts: Map<number, ChartSub>;
  /** Last quote sent per contract: later quote events carry only what changed. */
  lastQuote: Map<number, VenueQuote>;
  pendingQuotes: Map<number, Record<string, unknown>>;
  outbox: unknown[];
  lastSentAt: number;
}

interface ChartSub {
  historicalId: number;
  realtimeId: number;
  symbol: string;
  minutes: number;
}

interface Session {
  user: string;
  accessToken: string;
  mdAccessToken: string;
  expiresAt: number;
  revoked: boolean;
}

export interface TradovateSimOptions {
  port?: number;
  host?: string;
  /** Share a world (another endpoint of the same market); a new one over the futures otherwise. */
  world?: World;
  worldOptions?: WorldOptions;
  /** Token lifetime (default 80 minutes, as the access-token page says). */
  tokenTtlMs?: number;
  /** `h` after this much outbound silence (default 2500 ms). */
  heartbeatMs?: number;
  /** Drop sockets that send nothing (no `[]`) this long (default 10 s). */
  inboundSilenceMs?: number;
  /** Close sockets that do not authorize within this long (default 5 s). */
  authTimeoutMs?: number;
  /** Token requests per window before a p-ticket penalty (default 5 per 10 s). */
  authBurst?: { limit: number; windowMs: number; penaltySeconds: number };
  /** Authorized sockets per user before the oldest is closed (default 50). */
  maxConnectionsPerUser?: number;
  /** Positions held at start (default: 2 MESZ6 long). */
  seedPositions?: { symbol: string; qty: number; avgPrice: number }[];
  /** Step every symbol's tape this often (a steady feed for tests); default: the world's pace. */
  stepMs?: number;
  /** Place a 1-lot market order, alternating sides, this often (background fills for tests). */
  flowMs?: number;
  /** Chance that a props burst merges same-type events into one `entity` array (default 0.3). */
  entityArrayChance?: number;
  /** Shuffle the entities of one burst (default true: their order is undocumented). */
  shuffle?: boolean;
  seed?: number;
}

const DEFAULTS = {
  tokenTtlMs: 80 * 60_000,
  heartbeatMs: 2_500,
  inboundSilenceMs: 10_000,
  authTimeoutMs: 5_000,
  maxConnectionsPerUser: 50,
};

export class TradovateSim extends SimServer<TradovateMeta> {
  readonly world: World;
  readonly book: TradovateBook;
  private readonly orders: TradovateOrders;
  private readonly o: TradovateSimOptions;
  private readonly sessions = new Map<string, Session>();
  private readonly tokenTtlMs: number;
  private tokenSeq = 0;
  private readonly authWindow: RateWindow;
  private readonly badPasswords = new RateWindow(5, 60_000);
  private readonly penalties = new Map<string, number>();
  private forcedPenalties: { seconds: number; captcha: boolean }[] = [];
  private ticketSeq = 0;
  private nextChartId = 30;
  private readonly futuresByName: Map<string, SimFuture>;
  private readonly rng: () => number;
  private readonly barsBySymbol = new Map<string, Bar[]>();
  private readonly startedAt: number;
  private unsubscribeTicks: (() => void) | null = null;
  private timers: ReturnType<typeof setInterval>[] = [];
  private flowSide: 'Buy' | 'Sell' = 'Buy';
  private flowSeq = 0;
  /** Trading sockets ever accepted, and the most open at once (one per link: the md socket rides along). */
  accepted = 0;
  peakConnections = 0;
  /** Requests the simulator answered or withheld, by endpoint (tests count renewals and resends). */
  readonly requestLog: { endpoint: string; via: 'rest' | 'socket'; body: unknown }[] = [];

  constructor(opts: TradovateSimOptions = {}) {
    super({
      name: 'tradovate',
      wsPath: '/v1/websocket',
      wsPaths: ['/md/v1/websocket'],
      port: opts.port,
      ...(opts.host === undefined ? {} : { host: opts.host }),
      codec: tradovateCodec,
      authTimeoutMs: opts.authTimeoutMs ?? DEFAULTS.authTimeoutMs,
      inboundSilenceMs: opts.inboundSilenceMs ?? DEFAULTS.inboundSilenceMs,
    });
    this.o = opts;
    this.world = opts.world ?? new World({ symbols: futureSpecs(), ...opts.worldOptions });
    this.futuresByName = new Map(futures.map((f) => [f.name, f]));
    this.tokenTtlMs = opts.tokenTtlMs ?? DEFAULTS.tokenTtlMs;
    const burst = opts.authBurst ?? { limit: 5, windowMs: 10_000, penaltySeconds: 2 };
    this.authWindow = new RateWindow(burst.limit, burst.windowMs);
    this.rng = mulberry32(deriveSeed(opts.seed ?? 7, 'tradovate'));
    this.startedAt = this.world.now();
    const account = this.world.account(`tdv-${TRADOVATE_ACCOUNT_ID}`, { idPrefix: 'TDV', cash: 50_000 });
    this.book = new TradovateBook(
      account,
      this.world.venue,
      this.futuresByName,
      {
        accountId: TRADOVATE_ACCOUNT_ID,
        accountName: `DEMO${TRADOVATE_ACCOUNT_ID}`,
        userId: TRADOVATE_USER_ID,
      },
      () => this.world.now(),
    );
    const seeds = opts.seedPositions ?? [{ symbol: 'MESZ6', qty: 2, avgPrice: 6800.25 }];
    for (const s of seeds) this.book.seedPosition(s.symbol, s.qty, s.avgPrice);
    this.orders = new TradovateOrders(this.book, () => this.world.now());

    this.restRoute(
      'POST',
      '/v1/auth/accesstokenrequest',
      (req) => this.accessTokenRequest(req),
      'auth/accesstokenrequest',
    );
    this.restRoute('GET', '/v1/auth/renewaccesstoken', (req) => this.renew(req), 'auth/renewaccesstoken');
    this.restRoute('POST', '/v1/auth/renewaccesstoken', (req) => this.renew(req), 'auth/renewaccesstoken');
    this.restRoute('GET', '/v1/*', (req) => this.restEntity(req));
    this.restRoute('POST', '/v1/*', (req) => this.restEntity(req));

    this.defineFault('expire-token', z.object({ kind: z.literal('expire-token') }), () => {
      // Token expiry mid-session: REST and new authorizations fail; authorized sockets live on.
      for (const s of this.sessions.values()) s.expiresAt = 0;
    });
    this.defineFault(
      'penalty',
      z.object({
        kind: z.literal('penalty'),
        count: z.number().int().positive().default(1),
        seconds: z.number().min(0).default(2),
        captcha: z.boolean().default(false),
      }),
      (f) => {
        for (let i = 0; i < f.count; i++)
          this.forcedPenalties.push({ seconds: f.seconds, captcha: f.captcha });
      },
    );
    this.defineFault('quota-kick', z.object({ kind: z.literal('quota-kick') }), () => {
      const oldest = this.clientsWhere((c) => c.authenticated).sort((a, b) => a.openedAt - b.openedAt)[0];
      if (oldest !== undefined) this.kick(oldest, 'ConnectionQuotaReached', 'Connection quota reached', true);
    });
    this.defineFault(
      'shutdown',
      z.object({
        kind: z.literal('shutdown'),
        reasonCode: z
          .enum(['Maintenance', 'ConnectionQuotaReached', 'IPQuotaReached'])
          .default('Maintenance'),
        reason: z.string().default('Scheduled maintenance'),
      }),
      (f) => {
        for (const c of this.clientsWhere(() => true))
          this.kick(c, f.reasonCode, f.reason, f.reasonCode !== 'Maintenance');
      },
    );
    this.defineFault(
      'close-frame',
      z.object({
        kind: z.literal('close-frame'),
        code: z.number().int().default(3000),
        reason: z.string().default('Go away!'),
      }),
      (f) => {
        for (const c of this.clientsWhere(() => true)) {
          this.flush(c);
          this.send(c, closeFrame(f.code, f.reason));
          c.ws.close(f.code >= 1000 && f.code < 5000 ? f.code : 1000, f.reason);
        }
      },
    );
  }

  /** A valid token pair for the demo user without the REST round trip. */
  issueToken(user = TRADOVATE_USER): Session {
    const n = ++this.tokenSeq;
    const s: Session = {
      user,
      accessToken: `tdv-at-${n}-${Math.floor(this.rng() * 1e9).toString(36)}`,
      mdAccessToken: `tdv-md-${n}-${Math.floor(this.rng() * 1e9).toString(36)}`,
      expiresAt: this.world.now() + this.tokenTtlMs,
      revoked: false,
    };
    this.sessions.set(s.accessToken, s);
    this.sessions.set(s.mdAccessToken, s);
    return s;
  }

  /**
   * Send these raw frames to every authorized market-data socket at once (benchmarks: the same
   * bytes to a bare client and to the adapter). Returns how many sockets got them.
   */
  blastMarketData(frames: readonly string[]): number {
    const targets = this.clientsWhere((c) => c.meta.role === 'md' && c.authenticated);
    for (const c of targets) for (const f of frames) this.raw(c, f);
    return targets.length;
  }

  private logRequest(entry: TradovateSim['requestLog'][number]): void {
    // Bounded: a manual `npm run sim` session probes every few seconds for hours.
    if (this.requestLog.length >= 10_000) this.requestLog.splice(0, 1_000);
    this.requestLog.push(entry);
  }

  get futures(): readonly SimFuture[] {
    return futures;
  }

  // ---- lifecycle -----------------------------------------------------------------------------

  protected override onStart(): void {
    this.unsubscribeTicks = this.world.venue.onTick((_t, q) => this.onTick(q));
    const hb = this.o.heartbeatMs ?? DEFAULTS.heartbeatMs;
    this.timers.push(setInterval(() => this.heartbeat(hb), Math.max(20, Math.min(500, hb / 2))));
    if (this.o.stepMs !== undefined) {
      const step = this.o.stepMs;
      this.timers.push(setInterval(() => this.world.venue.step(this.world.now()), step));
    }
    if (this.o.flowMs !== undefined) this.timers.push(setInterval(() => this.flow(), this.o.flowMs));
  }

  protected override onStop(): void {
    this.unsubscribeTicks?.();
    this.unsubscribeTicks = null;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }

  // ---- REST ----------------------------------------------------------------------------------

  private accessTokenRequest(req: RestRequest): RestReply {
    const body = z
      .looseObject({
        name: z.string(),
        password: z.string(),
        appId: z.string().optional(),
        appVersion: z.string().optional(),
        cid: z.union([z.string(), z.number()]).optional(),
        sec: z.string().optional(),
        deviceId: z.string().max(64).optional(),
        'p-ticket': z.string().optional(),
      })
      .safeParse(req.body);
    if (!body.success) return { status: 200, body: { errorText: 'Invalid request body' } };
    const b = body.data;
    const now = this.world.now();
    const ticket = b['p-ticket'];
    if (ticket !== undefined && this.penalties.has(ticket)) {
      const until = this.penalties.get(ticket) ?? 0;
      if (now < until) return this.penalty(Math.ceil((until - now) / 1000), false);
      this.penalties.delete(ticket);
    } else {
      const forced = this.forcedPenalties.shift();
      if (forced !== undefined) return this.penalty(forced.seconds, forced.captcha);
      if (!this.authWindow.hit(now)) return this.penalty(this.o.authBurst?.penaltySeconds ?? 2, false);
    }
    if (b.name !== TRADOVATE_USER || b.password !== TRADOVATE_PASSWORD) {
      // Wrong-password storms always end in a captcha penalty (the docs say so).
      if (!this.badPasswords.hit(now)) return this.penalty(3600, true);
      return { status: 200, body: { errorText: 'Incorrect username or password. Please try again.' } };
    }
    if (String(b.cid ?? '') !== TRADOVATE_CID || b.sec !== TRADOVATE_SEC)
      return { status: 200, body: { errorText: 'The app is not registered (cid/sec).' } };
    return { status: 200, body: this.tokenBody(this.issueToken(b.name)) };
  }

  private renew(req: RestRequest): RestReply {
    const s = req.bearer === null ? undefined : this.sessions.get(req.bearer);
    if (s === undefined || s.revoked || s.expiresAt <= this.world.now())
      return { status: 401, body: { errorText: 'Access is denied' } };
    // Renewal extends the same session: a new access token, the md token kept.
    const n = ++this.tokenSeq;
    const accessToken = `tdv-at-${n}-r`;
    s.accessToken = accessToken;
    s.expiresAt = this.world.now() + this.tokenTtlMs;
    this.sessions.set(accessToken, s);
    return { status: 200, body: this.tokenBody(s) };
  }

  private tokenBody(s: Session): Record<string, unknown> {
    return {
      accessToken: s.accessToken,
      mdAccessToken: s.mdAccessToken,
      expirationTime: new Date(s.expiresAt).toISOString(),
      passwordExpirationTime: '2027-06-01T00:00:00.000Z',
      userStatus: 'Active',
      userId: TRADOVATE_USER_ID,
      name: s.user,
      hasLive: false,
      hasSimPlus: false,
      hasFunded: false,
      hasMarketData: true,
      outdatedTaC: false,
    };
  }

  private penalty(seconds: number, captcha: boolean): RestReply {
    const ticket = `pt-${++this.ticketSeq}`;
    this.penalties.set(ticket, this.world.now() + seconds * 1000);
    return { status: 200, body: { 'p-ticket': ticket, 'p-time': seconds, 'p-captcha': captcha } };
  }

  protected override restRateLimited(retryAfterMs: number): RestReply {
    const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
    return this.penalty(seconds, false);
  }

  private restEntity(req: RestRequest): RestReply {
    const session = req.bearer === null ? undefined : this.sessions.get(req.bearer);
    if (session === undefined || session.revoked || session.expiresAt <= this.world.now())
      return { status: 401, body: 'Access is denied' };
    const endpoint = req.path.slice('/v1/'.length);
    this.logRequest({ endpoint, via: 'rest', body: req.body });
    const a = this.execute(endpoint, req.query, req.body);
    return { status: a.status, body: a.body };
  }

  // ---- sockets -------------------------------------------------------------------------------

  protected override authorize(_req: IncomingMessage, path: string): Authorization<TradovateMeta> {
    return {
      ok: true,
      authenticated: false,
      meta: {
        role: path.startsWith('/md/') ? 'md' : 'trading',
        token: null,
        unsubscribe: null,
        quotes: new Set(),
        charts: new Map(),
        lastQuote: new Map(),
        pendingQuotes: new Map(),
        outbox: [],
        lastSentAt: Date.now(),
      },
    };
  }

  protected override onOpen(client: SimClient<TradovateMeta>): void {
    if (client.meta.role === 'trading') {
      this.accepted += 1;
      this.peakConnections = Math.max(
        this.peakConnections,
        this.clientsWhere((c) => c.meta.role === 'trading').length,
      );
    }
    this.raw(client, 'o');
  }

  protected override onClose(client: SimClient<TradovateMeta>): void {
    client.meta.unsubscribe?.();
    client.meta.unsubscribe = null;
  }

  protected override onAuthTimeout(client: SimClient<TradovateMeta>): void {
    this.raw(client, closeFrame(1001, 'Authorization timeout'));
    client.ws.close(1001, 'Authorization timeout');
  }

  protected override onInboundSilence(client: SimClient<TradovateMeta>): void {
    // No `[]` from the client: Tradovate closes the socket for inactivity.
    this.raw(client, closeFrame(1001, 'Inactivity timeout'));
    client.ws.close(1001, 'Inactivity timeout');
  }

  protected override expireCredentials(): void {
    for (const s of this.sessions.values()) s.revoked = true;
    for (const c of this.clientsWhere((x) => x.authenticated)) {
      this.flush(c);
      this.raw(c, closeFrame(1008, 'Access token expired'));
      c.ws.close(1008, 'Access token expired');
    }
  }

  protected override onMessage(client: SimClient<TradovateMeta>, data: Buffer, isBinary: boolean): void {
    if (isBinary) return;
    const text = data.toString('utf8');
    // The client heartbeat: no reply.
    if (text === '[]') return;
    const req = parseClientRequest(text);
    if (req === null) {
      this.reply(client, { s: 400, i: null, d: 'Invalid request format' });
      return;
    }
    if (req.endpoint === 'authorize') {
      this.socketAuthorize(client, req.id, req.body.trim());
      return;
    }
    if (!client.authenticated) {
      this.reply(client, { s: 401, i: req.id, d: 'Access is denied' });
      return;
    }
    let body: unknown;
    try {
      body = req.body.trim() === '' ? undefined : JSON.parse(req.body);
    } catch {
      this.reply(client, { s: 400, i: req.id, d: `Invalid JSON: ${req.body.slice(0, 40)}` });
      return;
    }
    this.logRequest({ endpoint: req.endpoint, via: 'socket', body });
    const query = new URLSearchParams(req.query);
    void this.runRequest(req.endpoint, () => this.socketRequest(client, req.endpoint, query, body)).then(
      (o) => this.answer(client, req.id, o),
    );
  }

  private socketAuthorize(client: SimClient<TradovateMeta>, id: number, token: string): void {
    const s = this.sessions.get(token);
    // Both tokens open both sockets (the tutorial authorizes md with the access token).
    if (s === undefined || s.revoked || s.expiresAt <= this.world.now()) {
      this.reply(client, { s: 401, i: id, d: 'Access is denied' });
      return;
    }
    this.authenticate(client, { ...client.meta, token });
    this.reply(client, { s: 200, i: id });
    const mine = this.clientsWhere(
      (c) => c.authenticated && c.meta.token !== null && this.sessions.get(c.meta.token)?.user === s.user,
    );
    const max = this.o.maxConnectionsPerUser ?? DEFAULTS.maxConnectionsPerUser;
    if (mine.length > max) {
      const oldest = mine.sort((a, b) => a.openedAt - b.openedAt)[0];
      if (oldest !== undefined && oldest !== client)
        this.kick(oldest, 'ConnectionQuotaReached', 'Connection quota reached', true);
    }
  }

  private socketRequest(
    client: SimClient<TradovateMeta>,
    endpoint: string,
    query: URLSearchParams,
    body: unknown,
  ): Answer {
    if (client.meta.role === 'md') {
      if (endpoint.startsWith('md/')) return this.marketData(client, endpoint, body);
    } else if (endpoint === 'user/syncrequest') return this.syncRequest(client, body);
    return this.execute(endpoint, query, body);
  }

  private answer(client: SimClient<TradovateMeta>, id: number, o: RequestOutcome<Answer>): void {
    switch (o.kind) {
      case 'ok':
        return this.reply(client, {
          s: o.value.status,
          i: id,
          ...(o.value.body === undefined ? {} : { d: o.value.body }),
        });
      case 'dropped':
        return;
      case 'failed-after-execute':
        return this.reply(client, { s: o.status, i: id, d: 'Internal server error' });
      case 'rate-limited': {
        // Penalties arrive as a 200 whose body is a p-ticket (brokers.md §1.4).
        const p = this.penalty(Math.max(1, Math.ceil(o.retryAfterMs / 1000)), false);
        return this.reply(client, { s: 200, i: id, d: p.body });
      }
    }
  }

  private syncRequest(client: SimClient<TradovateMeta>, body: unknown): Answer {
    const b = z
      .looseObject({ users: z.array(z.number()).optional(), accounts: z.array(z.number()).optional() })
      .safeParse(body);
    if (!b.success || (b.data.users === undefined && b.data.accounts === undefined))
      return { status: 400, body: 'Invalid JSON: missing required field "users"' };
    client.meta.unsubscribe?.();
    client.meta.unsubscribe = this.book.on((burst) => this.props(client, burst));
    return { status: 200, body: this.book.sync(this.userEntity(), this.accountEntity()) };
  }

  private props(client: SimClient<TradovateMeta>, burst: PropsEvent[]): void {
    const events = [...burst];
    if (this.o.shuffle !== false)
      for (let i = events.length - 1; i > 0; i--) {
        const j = Math.floor(this.rng() * (i + 1));
        [events[i], events[j]] = [events[j] as PropsEvent, events[i] as PropsEvent];
      }
    const chance = this.o.entityArrayChance ?? 0.3;
    const out: unknown[] = [];
    for (let i = 0; i < events.length; i++) {
      const e = events[i] as PropsEvent;
      const next = events[i + 1];
      // The reference allows `entity` to be an array of objects: merge neighbours of one type.
      if (
        next !== undefined &&
        next.entityType === e.entityType &&
        next.eventType === e.eventType &&
        this.rng() < chance
      ) {
        out.push({
          e: 'props',
          d: { entityType: e.entityType, eventType: e.eventType, entity: [e.entity, next.entity] },
        });
        i += 1;
        continue;
      }
      out.push({ e: 'props', d: e });
    }
    for (const m of out) this.queue(client, m);
  }

  // ---- entity endpoints (REST and socket) ----------------------------------------------------

  private execute(endpoint: string, query: URLSearchParams, body: unknown): Answer {
    const order = this.orders.execute(endpoint, body);
    if (order !== null) return order;
    const idOf = (): number =>
      Number(query.get('id') ?? query.get('masterid') ?? (body as { id?: unknown } | undefined)?.id);
    const b = this.book;
    const f = (x: number | string) => b.future(x);
    switch (endpoint) {
      case 'account/list':
        return ok([this.accountEntity()]);
      case 'account/item':
        return idOf() === TRADOVATE_ACCOUNT_ID ? ok(this.accountEntity()) : notFound(endpoint);
      case 'user/list':
        return ok([this.userEntity()]);
      case 'cashBalance/list':
        return ok([b.cashBalance]);
      case 'cashBalance/getcashbalancesnapshot':
        return ok({
          totalCashValue: b.account.cash,
          totalPnL: b.account.realized,
          netLiq: b.account.cash,
          realizedPnL: b.account.realized,
          weekRealizedPnL: b.account.realized,
        });
      case 'position/list':
        return ok([...b.positions.values()]);
      case 'order/list':
        return ok([...b.orders.values()]);
      case 'order/item':
        return orNotFound(endpoint, b.orders.get(idOf()));
      case 'orderVersion/list':
        return ok([...b.versions.values()]);
      case 'orderVersion/deps':
        return ok([b.versions.get(idOf())].filter((v) => v !== undefined));
      case 'command/list':
        return ok([...b.commands.values()]);
      case 'command/deps':
        return ok([...b.commands.values()].filter((c) => c.orderId === idOf()));
      case 'fill/list':
        return ok([...b.fills.values()]);
      case 'fill/deps':
        return ok([...b.fills.values()].filter((x) => x.orderId === idOf()));
      case 'executionReport/deps':
        return ok([...b.executionReports.values()].filter((x) => x.orderId === idOf()));
      case 'contract/find': {
        const x = f(query.get('name') ?? '');
        return x === undefined ? notFound(endpoint) : ok(contractEntity(x));
      }
      case 'contract/item': {
        const x = f(idOf());
        return x === undefined ? notFound(endpoint) : ok(contractEntity(x));
      }
      case 'contract/items': {
        const ids = (query.get('ids') ?? '').split(',').map(Number);
        return ok(
          ids
            .map((id) => f(id))
            .filter((x) => x !== undefined)
            .map(contractEntity),
        );
      }
      case 'contractMaturity/item': {
        const x = futures.find((y) => y.maturityId === idOf());
        return x === undefined ? notFound(endpoint) : ok(maturityEntity(x));
      }
      case 'product/item': {
        const x = futures.find((y) => y.productId === idOf());
        return x === undefined ? notFound(endpoint) : ok(productEntity(x));
      }
      case 'product/find': {
        const x = futures.find((y) => y.productName === query.get('name'));
        return x === undefined ? notFound(endpoint) : ok(productEntity(x));
      }
      default:
        return notFound(endpoint);
    }
  }

  private userEntity(): Entity {
    return {
      id: TRADOVATE_USER_ID,
      name: TRADOVATE_USER,
      timestamp: new Date(this.startedAt).toISOString(),
      status: 'Active',
      professional: false,
    };
  }

  private accountEntity(): Entity {
    return {
      id: TRADOVATE_ACCOUNT_ID,
      name: `DEMO${TRADOVATE_ACCOUNT_ID}`,
      userId: TRADOVATE_USER_ID,
      accountType: 'Customer',
      active: true,
      clearingHouseId: 2,
      riskCategoryId: 2,
      autoLiqProfileId: 2,
      marginAccountType: 'Speculator',
      legalStatus: 'Individual',
      timestamp: new Date(this.startedAt).toISOString(),
      readonly: false,
    };
  }

  // ---- market data ---------------------------------------------------------------------------

  private marketData(client: SimClient<TradovateMeta>, endpoint: string, body: unknown): Answer {
    const b = z
      .looseObject({
        symbol: z.union([z.string(), z.number()]).optional(),
        subscriptionId: z.number().optional(),
        chartDescription: z
          .looseObject({
            underlyingType: z.string(),
            elementSize: z.number().int().positive(),
            elementSizeUnit: z.string(),
          })
          .optional(),
        timeRange: z
          .looseObject({
            asMuchAsElements: z.number().int().positive().optional(),
            closestTimestamp: z.string().optional(),
          })
          .optional(),
      })
      .safeParse(body);
    if (!b.success) return { status: 400, body: 'Invalid JSON' };
    if (endpoint === 'md/cancelChart') {
      // Which id it wants is inconsistent in the docs: accept either.
      const id = b.data.subscriptionId;
      for (const [rt, sub] of client.meta.charts)
        if (rt === id || sub.historicalId === id) client.meta.charts.delete(rt);
      return ok(undefined);
    }
    if (b.data.symbol === undefined)
      return { status: 400, body: 'Invalid JSON: missing required field "symbol", offset: 0x00000014' };
    const fut = this.book.future(b.data.symbol);
    if (fut === undefined) return { status: 404, body: `Unknown symbol ${String(b.data.symbol)}` };
    switch (endpoint) {
      case 'md/subscribeQuote':
        client.meta.quotes.add(fut.contractId);
        client.meta.lastQuote.delete(fut.contractId);
        // The current state first, in full, right behind the reply.
        queueMicrotask(() => this.quoteTo(client, fut, this.world.venue.quote(fut.name)));
        return ok(undefined);
      case 'md/unsubscribeQuote':
        client.meta.quotes.delete(fut.contractId);
        return ok(undefined);
      case 'md/subscribeDOM':
      case 'md/subscribeHistogram':
      case 'md/unsubscribeDOM':
      case 'md/unsubscribeHistogram':
        return ok(undefined);
      case 'md/getChart': {
        const d = b.data.chartDescription;
        if (d === undefined)
          return { status: 400, body: 'Invalid JSON: missing required field "chartDescription"' };
        const minutes =
          d.underlyingType === 'DailyBar'
            ? 1440 * d.elementSize
            : d.underlyingType === 'MinuteBar'
              ? d.elementSize
              : 0;
        const historicalId = this.nextChartId++;
        const realtimeId = this.nextChartId++;
        const count = b.data.timeRange?.asMuchAsElements ?? 100;
        const closest = b.data.timeRange?.closestTimestamp;
        const until = closest === undefined ? Number.POSITIVE_INFINITY : Date.parse(closest);
        // After the reply has left: history packets name the ids the reply hands out.
        setImmediate(() =>
          this.sendHistory(
            client,
            fut,
            { historicalId, realtimeId, symbol: fut.name, minutes },
            count,
            until,
          ),
        );
        return ok({ historicalId, realtimeId });
      }
      default:
        return notFound(endpoint);
    }
  }

  private sendHistory(
    client: SimClient<TradovateMeta>,
    fut: SimFuture,
    sub: ChartSub,
    count: number,
    until: number,
  ): void {
    if (sub.minutes > 0) {
      const bars = aggregate(this.minuteBars(fut.name), sub.minutes)
        .filter((x) => x.time < until)
        .slice(-count);
      // Large histories come in several packets, then the end-of-history marker.
      for (let i = 0; i < bars.length; i += 500)
        this.queue(client, {
          e: 'chart',
          d: {
            charts: [
              { id: sub.historicalId, td: td(this.world.now()), bars: bars.slice(i, i + 500).map(wireBar) },
            ],
          },
        });
    }
    this.queue(client, { e: 'chart', d: { charts: [{ id: sub.historicalId, eoh: true }] } });
    if (sub.minutes > 0) client.meta.charts.set(sub.realtimeId, sub);
  }

  private minuteBars(symbol: string): Bar[] {
    let bars = this.barsBySymbol.get(symbol);
    if (bars === undefined) {
      const spec = this.world.venue.spec(symbol);
      bars =
        spec === undefined
          ? []
          : generateHistory(
              spec,
              mulberry32(deriveSeed(this.o.seed ?? 7, symbol)),
              this.startedAt,
              3 * 24 * 60,
            );
      this.barsBySymbol.set(symbol, bars);
    }
    return bars;
  }

  private onTick(q: VenueQuote): void {
    const bars = this.minuteBars(q.symbol);
    const t = Math.floor(q.ts / 60_000) * 60_000;
    const last = bars[bars.length - 1];
    if (last !== undefined && last.time === t) {
      last.high = Math.max(last.high, q.last);
      last.low = Math.min(last.low, q.last);
      last.close = q.last;
      last.volume += 1;
    } else if (last === undefined || last.time < t)
      bars.push({ time: t, open: q.last, high: q.last, low: q.last, close: q.last, volume: 1 });
    const fut = this.futuresByName.get(q.symbol);
    if (fut === undefined) return;
    for (const c of this.clientsWhere((x) => x.meta.role === 'md' && x.authenticated)) {
      if (c.meta.quotes.has(fut.contractId)) this.quoteTo(c, fut, q);
      for (const sub of c.meta.charts.values()) {
        if (sub.symbol !== q.symbol) continue;
        const bar = aggregate(bars.slice(-Math.max(1, sub.minutes)), sub.minutes).at(-1);
        if (bar !== undefined)
          this.queue(c, {
            e: 'chart',
            d: { charts: [{ id: sub.realtimeId, td: td(q.ts), bars: [wireBar(bar)] }] },
          });
      }
    }
  }

  /** Quote entries are partial: only what changed since the last one this client saw. */
  private quoteTo(client: SimClient<TradovateMeta>, fut: SimFuture, q: VenueQuote): void {
    const prev = client.meta.lastQuote.get(fut.contractId);
    const entries: Record<string, Record<string, number>> = {};
    const side = (
      name: string,
      price: number,
      size: number,
      pp: number | undefined,
      ps: number | undefined,
    ) => {
      if (pp === price && ps === size) return;
      entries[name] = pp === price ? { size } : ps === size ? { price } : { price, size };
    };
    side('Bid', q.bid, q.bidSize, prev?.bid, prev?.bidSize);
    side('Offer', q.ask, q.askSize, prev?.ask, prev?.askSize);
    if (prev === undefined || prev.last !== q.last || prev.volume !== q.volume)
      entries.Trade = { price: q.last, size: 1 };
    if (prev === undefined || prev.volume !== q.volume) entries.TotalTradeVolume = { size: q.volume };
    if (prev === undefined) {
      entries.OpeningPrice = { price: fut.startPrice };
      entries.SettlementPrice = { price: fut.prevPrice };
      entries.OpenInterest = { size: 2_011_223 };
    }
    client.meta.lastQuote.set(fut.contractId, { ...q });
    if (Object.keys(entries).length === 0) return;
    // Ticks between two flushes conflate: later entries win, earlier ones are kept.
    const waiting = client.meta.pendingQuotes.get(fut.contractId)?.entries as typeof entries | undefined;
    client.meta.pendingQuotes.set(fut.contractId, {
      timestamp: new Date(q.ts).toISOString(),
      contractId: fut.contractId,
      entries: waiting === undefined ? entries : mergeEntries(waiting, entries),
    });
    this.scheduleFlush(client);
  }

  // ---- outbound ------------------------------------------------------------------------------

  private kick(client: SimClient<TradovateMeta>, reasonCode: string, reason: string, revoke: boolean): void {
    if (revoke && client.meta.token !== null) {
      const s = this.sessions.get(client.meta.token);
      if (s !== undefined) s.revoked = true;
    }
    this.queue(client, { e: 'shutdown', d: { reasonCode, reason } });
    this.flush(client);
    this.raw(client, closeFrame(1001, reason));
    client.ws.close(1001, reason);
  }

  private heartbeat(hb: number): void {
    const now = Date.now();
    // `h` only while idle: a busy quote feed carries no heartbeats (brokers.md §1.6).
    for (const c of this.clientsWhere(() => true)) if (now - c.meta.lastSentAt >= hb) this.raw(c, 'h');
  }

  private flow(): void {
    const fut = futures[0];
    if (fut === undefined) return;
    const action = this.flowSide;
    this.flowSide = action === 'Buy' ? 'Sell' : 'Buy';
    this.orders.execute('order/placeorder', {
      accountId: TRADOVATE_ACCOUNT_ID,
      action,
      symbol: fut.name,
      orderQty: 1,
      orderType: 'Market',
      clOrdId: `flow-${++this.flowSeq}`,
      isAutomated: true,
    });
  }

  private reply(client: SimClient<TradovateMeta>, msg: Record<string, unknown>): void {
    this.queue(client, msg);
  }

  /** Messages raised together (a reply and the events it caused) leave in one `a[...]` frame. */
  private queue(client: SimClient<TradovateMeta>, msg: unknown): void {
    client.meta.outbox.push(msg);
    this.scheduleFlush(client);
  }

  private readonly flushing = new Set<SimClient<TradovateMeta>>();

  private scheduleFlush(client: SimClient<TradovateMeta>): void {
    if (this.flushing.has(client)) return;
    this.flushing.add(client);
    queueMicrotask(() => this.flush(client));
  }

  private flush(client: SimClient<TradovateMeta>): void {
    this.flushing.delete(client);
    const m = client.meta;
    const out = m.outbox;
    m.outbox = [];
    if (m.pendingQuotes.size > 0) {
      // Several contracts in one quote event: clients must route by contractId.
      out.push({ e: 'md', d: { quotes: [...m.pendingQuotes.values()] } });
      m.pendingQuotes.clear();
    }
    if (out.length > 0) this.raw(client, dataFrame(out));
  }

  private raw(client: SimClient<TradovateMeta>, frame: string): void {
    client.meta.lastSentAt = Date.now();
    this.send(client, frame);
  }
}

function mergeEntries(
  a: Record<string, Record<string, number>>,
  b: Record<string, Record<string, number>>,
): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = { ...a[k], ...v };
  return out;
}

function ok(body: unknown): Answer {
  return { status: 200, body };
}

function notFound(endpoint: string): Answer {
  return { status: 404, body: `"Not found: ${endpoint}"` };
}

function orNotFound(endpoint: string, e: unknown): Answer {
  return e === undefined ? notFound(endpoint) : ok(e);
}

function td(ts: number): number {
  const d = new Date(ts);
  return d.getUTCFullYear() * 10_000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
}

function aggregate(bars: readonly Bar[], minutes: number): Bar[] {
  if (minutes <= 1) return bars.map((b) => ({ ...b }));
  const out: Bar[] = [];
  const span = minutes * 60_000;
  for (const b of bars) {
    const t = Math.floor(b.time / span) * span;
    const last = out[out.length - 1];
    if (last !== undefined && last.time === t) {
      last.high = Math.max(last.high, b.high);
      last.low = Math.min(last.low, b.low);
      last.close = b.close;
      last.volume += b.volume;
    } else out.push({ ...b, time: t });
  }
  return out;
}

function wireBar(b: Bar): Record<string, unknown> {
  const up = Math.round(b.volume * 0.55);
  return {
    timestamp: new Date(b.time).toISOString(),
    open: b.open,
    high: b.high,
    low: b.low,
    close: b.close,
    upVolume: up,
    downVolume: b.volume - up,
    upTicks: Math.max(1, Math.round(up / 3)),
    downTicks: Math.max(1, Math.round((b.volume - up) / 3)),
    bidVolume: Math.round(b.volume / 2),
    offerVolume: b.volume - Math.round(b.volume / 2),
  };
}
