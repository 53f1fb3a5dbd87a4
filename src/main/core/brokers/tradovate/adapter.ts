/**
 * The Tradovate link on the adapter kit: the trading socket and the market-data socket as one
 * multi-socket link (brokers.md §1.4–1.10). Open: a fresh token (renewed, or requested, on the
 * supervisor clock), both sockets together, `o` on each, `authorize` on each (md with the
 * `mdAccessToken`). Resync: `user/syncrequest` (sent while authenticating, so no event can slip
 * between the snapshot and the stream), contracts described from the broker's own contract →
 * maturity → product, then quotes re-subscribed for everything held or watched. Liveness: `[]`
 * on a timer (the server stops sending `h` while it streams, so answering `h` is not enough) and a
 * probe request for RTT. Everything inbound is parsed with zod; bad frames, unknown entity types,
 * replies to unknown ids are counted and dropped, never thrown.
 */
import type { Bar, Quote } from '../../../../shared/domain';
import type { ResyncSnapshot } from '../../connection';
import { type Clock, systemClock } from '../../supervisor/clock';
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
import { PendingRequests } from '../kit/pending';
import { type BrokerSocket, openSockets } from '../kit/socket';
import { readSockFrames, requestFrame } from './framing';
import {
  ChartData,
  ContractEntity,
  Event,
  GetChartReply,
  MaturityEntity,
  MdData,
  Penalty,
  ProductEntity,
  PropsData,
  type QuoteData,
  Reply,
  ShutdownData,
  SyncMessage,
} from './messages';
import type { TradovateSession } from './session';
import type { TradovateStore } from './store';

export type SocketName = 'trading' | 'md';

/** What the connection, its order routes and every link share. */
export interface TradovateState {
  store: TradovateStore;
  /** Symbols the terminal wants quoted (watchlist, charts, orders). */
  interest: Set<string>;
  /** Symbols quoted on the current link. */
  quoted: Set<string>;
}

export interface TradovateLinkOptions {
  connectionId: string;
  label: string;
  tradingUrl: string;
  marketDataUrl: string;
  session: TradovateSession;
  state: TradovateState;
  /** RTT probe interval; a socket silent for two of them is dead (default 5 s: §1.6 says ~10 s). */
  heartbeatMs?: number;
  /** The `[]` interval (default 2.5 s, as the server expects). */
  keepaliveMs?: number;
  maxPayloadBytes?: number;
  logger: SupervisorLogger;
}

export class TradovateAdapter implements LinkAdapter {
  readonly heartbeat: HeartbeatOptions;
  readonly sockets: readonly LinkSocketSpec[] = [
    { name: 'trading', essential: true },
    // Market data is auxiliary: its silence marks the connection stale, trading stays up.
    { name: 'md', essential: false },
  ];

  constructor(private readonly o: TradovateLinkOptions) {
    const hb = o.heartbeatMs ?? 5_000;
    this.heartbeat = { keepaliveMs: Math.min(o.keepaliveMs ?? 2_500, hb), silenceMs: 2 * hb, probeMs: hb };
  }

  async open(handlers: LinkHandlers, signal: AbortSignal, context?: LinkContext): Promise<Link> {
    const clock = context?.clock ?? systemClock;
    const token = await this.o.session.ensure(clock, signal);
    const maxPayload = this.o.maxPayloadBytes ?? 4 * 1024 * 1024;
    const sockets = await openSockets(
      {
        trading: { url: this.o.tradingUrl, options: { maxPayload } },
        md: { url: this.o.marketDataUrl, options: { maxPayload } },
      },
      signal,
    );
    return new TradovateLink(sockets, handlers, this.o, clock, token);
  }
}

type Key = string;

class TradovateLink implements Link {
  private readonly pending: PendingRequests<Key>;
  private readonly nextId: Record<SocketName, number> = { trading: 1, md: 1 };
  private syncKey: Key | null = null;
  private synced: Promise<void> | null = null;
  private closeFrame: CloseInfo | null = null;
  private shutdown: { reasonCode: string; reason: string } | null = null;
  private reported = false;
  private readonly stopRenewal: () => void;
  private readonly quotes = new Map<string, Quote>();
  private readonly resolving = new Map<string, Promise<void>>();
  private readonly chartReplies = new Set<Key>();
  private readonly chartBars = new Map<number, Bar[]>();
  private readonly chartDone: PendingRequests<number, Bar[]>;
  private readonly store: TradovateStore;
  private readonly opened = new Set<SocketName>();
  /** Contracts whose description was asked for once on behalf of quotes. */
  private readonly described = new Set<string>();

  constructor(
    private readonly sockets: Record<SocketName, BrokerSocket>,
    private readonly h: LinkHandlers,
    private readonly o: TradovateLinkOptions,
    private readonly clock: Clock,
    private readonly token: { accessToken: string; mdAccessToken: string; userId: string | null },
  ) {
    this.pending = new PendingRequests<Key>(clock);
    this.chartDone = new PendingRequests<number, Bar[]>(clock);
    this.store = o.state.store;
    this.stopRenewal = o.session.keepFresh(clock);
    for (const name of ['trading', 'md'] as const)
      sockets[name].attach({
        message: (data, isBinary) => this.onMessage(name, data, isBinary),
        oversized: (detail) => this.h.malformed(`oversized frame on ${name}`, detail),
        error: (err) =>
          this.o.logger.warn({ connectionId: o.connectionId, socket: name, err }, 'socket error'),
        closed: (info) => this.onClosed(name, info),
      });
  }

  // ---- Link ----------------------------------------------------------------------------------

  async authenticate(signal: AbortSignal): Promise<void> {
    // `o` usually arrives with the upgrade, before anyone waits for it: remembered in `opened`.
    const opened = (['trading', 'md'] as const)
      .filter((s) => !this.opened.has(s))
      .map((s) => this.pending.wait(`${s}:open`, { op: `${s} open`, signal }));
    await Promise.all(opened).catch((err: unknown) => {
      throw asLinkError(err);
    });
    const authorized = (['trading', 'md'] as const).map((s) => {
      const token = s === 'trading' ? this.token.accessToken : this.token.mdAccessToken;
      const key = `${s}:0`;
      const reply = this.pending.wait(key, { op: `authorize ${s}`, signal });
      this.sockets[s].send(requestFrame('authorize', 0, '', token));
      return reply;
    });
    await Promise.all(authorized).catch((err: unknown) => {
      if (err instanceof RequestError && err.kind === 'rejected') {
        // A revoked or expired token: the next attempt fetches a new one.
        this.o.session.invalidate(`authorize refused: ${err.message}`);
        throw new LinkError('protocol', `Tradovate refused the access token (${err.message})`);
      }
      throw asLinkError(err);
    });
    // Sent now, answered before any props: the snapshot and the stream cannot miss each other.
    const body = this.token.userId === null ? { accounts: [] } : { users: [Number(this.token.userId)] };
    this.syncKey = `trading:${this.nextId.trading}`;
    this.synced = this.call('trading', 'user/syncrequest', '', body).then(() => undefined);
    this.synced.catch(() => undefined);
  }

  async resync(signal: AbortSignal): Promise<ResyncSnapshot> {
    if (this.synced === null) throw new LinkError('protocol', 'resync before authorize');
    const aborted = new Promise<never>((_, reject) =>
      signal.addEventListener('abort', () => reject(new LinkError('network', 'aborted')), { once: true }),
    );
    aborted.catch(() => undefined);
    await Promise.race([this.synced, aborted]).catch((err: unknown) => {
      throw asLinkError(err);
    });
    // Positions and orders need their symbols: describe every contract the snapshot names first.
    await Promise.race([Promise.all([...this.store.unresolved()].map((id) => this.resolve(id))), aborted]);
    const snapshot = this.store.snapshot();
    for (const instrument of this.store.newInstruments()) this.h.event({ type: 'instrument', instrument });
    this.o.state.quoted.clear();
    this.syncQuotes();
    return snapshot;
  }

  keepalive(socket?: string): void {
    // Tradovate's client heartbeat: the literal `[]`, no reply.
    this.sockets[socket === 'md' ? 'md' : 'trading'].send('[]');
  }

  ping(): void {
    // No ping in the protocol: a cheap request's round trip is the probe.
    this.call('trading', 'account/list', '', undefined).then(
      () => this.h.pong(null, 'trading'),
      () => undefined,
    );
  }

  async request(op: string, payload: unknown, opts: RequestOptions): Promise<unknown> {
    const q = op.indexOf('?');
    const endpoint = q < 0 ? op : op.slice(0, q);
    const query = q < 0 ? '' : op.slice(q + 1);
    const socket: SocketName = endpoint.startsWith('md/') ? 'md' : 'trading';
    if (endpoint === 'md/getChart') return this.chart(payload, opts);
    const d = await this.call(socket, endpoint, query, payload, opts);
    if (endpoint === 'md/subscribeQuote' || endpoint === 'md/unsubscribeQuote') {
      const symbol = (payload as { symbol?: unknown } | null)?.symbol;
      if (typeof symbol === 'string')
        if (endpoint === 'md/subscribeQuote') this.o.state.quoted.add(symbol);
        else this.o.state.quoted.delete(symbol);
    }
    return d;
  }

  close(code: number, reason: string): void {
    this.sockets.trading.close(code, reason);
    this.sockets.md.close(code, reason);
  }

  terminate(): void {
    this.sockets.trading.terminate();
    this.sockets.md.terminate();
  }

  // ---- requests ------------------------------------------------------------------------------

  private call(
    socket: SocketName,
    endpoint: string,
    query: string,
    body: unknown,
    opts: { timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<unknown> {
    const id = this.nextId[socket]++;
    const key = `${socket}:${id}`;
    const reply = this.pending.wait(key, {
      op: endpoint,
      ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }),
      ...(opts.signal === undefined ? {} : { signal: opts.signal }),
    });
    const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
    if (!this.sockets[socket].send(requestFrame(endpoint, id, query, text)))
      this.pending.reject(
        key,
        new RequestError('not_connected', `${endpoint}: socket closed`, { ambiguous: false }),
      );
    return reply;
  }

  private async chart(payload: unknown, opts: RequestOptions): Promise<Bar[]> {
    const id = this.nextId.md;
    this.chartReplies.add(`md:${id}`);
    const d = GetChartReply.safeParse(await this.call('md', 'md/getChart', '', payload, opts));
    if (!d.success)
      throw new RequestError('rejected', 'md/getChart answered without chart ids', { ambiguous: false });
    const historicalId = d.data.historicalId;
    try {
      return await (this.chartWaits.get(historicalId) ?? Promise.reject(new Error('chart lost')));
    } finally {
      this.chartWaits.delete(historicalId);
      // History is all we want: live bars come from the quote feed's trades.
      this.call('md', 'md/cancelChart', '', { subscriptionId: historicalId }).catch(() => undefined);
    }
  }

  private readonly chartWaits = new Map<number, Promise<Bar[]>>();

  // ---- contracts and quotes ------------------------------------------------------------------

  /** Describe a contract from the broker (contract → maturity → product), then emit what waited on it. */
  private resolve(contractId: string): Promise<void> {
    const running = this.resolving.get(contractId);
    if (running !== undefined) return running;
    const run = (async () => {
      for (let step = 0; step < 3; step++) {
        const missing = this.store.missingFor(contractId);
        if (missing === null) break;
        if (missing.kind === 'contract') {
          const c = ContractEntity.safeParse(
            await this.call('trading', 'contract/item', `id=${missing.id}`, undefined),
          );
          if (!c.success) throw new Error(`contract ${missing.id} undescribed`);
          this.store.addContract(c.data);
        } else if (missing.kind === 'maturity') {
          const m = MaturityEntity.safeParse(
            await this.call('trading', 'contractMaturity/item', `id=${missing.id}`, undefined),
          );
          if (!m.success) throw new Error(`maturity ${missing.id} undescribed`);
          this.store.addMaturity(m.data);
        } else {
          const p = ProductEntity.safeParse(
            await this.call('trading', 'product/item', `id=${missing.id}`, undefined),
          );
          if (!p.success) throw new Error(`product ${missing.id} undescribed`);
          this.store.addProduct(p.data);
        }
      }
    })().then(
      () => {
        this.resolving.delete(contractId);
        this.emitDrained();
      },
      (err: unknown) => {
        this.resolving.delete(contractId);
        this.o.logger.warn({ connectionId: this.o.connectionId, contractId, err }, 'contract lookup failed');
      },
    );
    this.resolving.set(contractId, run);
    return run;
  }

  /** Subscribe quotes for everything held or watched and not yet quoted on this link. */
  private syncQuotes(): void {
    const want = new Set([...this.o.state.interest, ...this.store.heldSymbols]);
    for (const symbol of want) {
      if (this.o.state.quoted.has(symbol)) continue;
      this.o.state.quoted.add(symbol);
      void this.subscribe(symbol);
    }
  }

  private async subscribe(symbol: string): Promise<void> {
    try {
      if (this.store.contractIdOf(symbol) === undefined) {
        // Quotes carry only a contractId: learn the symbol's id before the first one arrives.
        const c = ContractEntity.safeParse(
          await this.call('trading', 'contract/find', `name=${encodeURIComponent(symbol)}`, undefined),
        );
        if (c.success) {
          this.store.addContract(c.data);
          await this.resolve(c.data.id);
        }
      }
      await this.call('md', 'md/subscribeQuote', '', { symbol });
    } catch (err) {
      this.o.state.quoted.delete(symbol);
      this.o.logger.warn({ connectionId: this.o.connectionId, symbol, err }, 'quote subscription failed');
    }
  }

  private onQuote(q: QuoteData): void {
    const cid = q.contractId;
    // Tick size and value per point come from the product: describe the contract once.
    if (!this.described.has(cid)) {
      this.described.add(cid);
      if (this.store.missingFor(cid) !== null) void this.resolve(cid);
    }
    const symbol = this.store.symbolOf(cid);
    if (symbol === undefined) {
      this.described.delete(cid);
      return;
    }
    const now = this.clock.now();
    const ts = q.timestamp ?? now;
    const prev = this.quotes.get(symbol);
    const e = q.entries ?? {};
    const bid = e.Bid;
    const offer = e.Offer;
    const trade = e.Trade;
    // Entries are partial: merge into the last known quote, never overwrite with nothing. A new
    // object each time: the ledger keeps the one it was given.
    const next: Quote = {
      symbol,
      connectionId: this.o.connectionId,
      bid: bid?.price ?? prev?.bid ?? Number.NaN,
      ask: offer?.price ?? prev?.ask ?? Number.NaN,
      last: trade?.price ?? prev?.last ?? Number.NaN,
      bidSize: bid?.size ?? prev?.bidSize ?? 0,
      askSize: offer?.size ?? prev?.askSize ?? 0,
      open: e.OpeningPrice?.price ?? prev?.open ?? Number.NaN,
      volume: e.TotalTradeVolume?.size ?? prev?.volume ?? 0,
      ts,
      receivedAt: now,
    };
    this.quotes.set(symbol, next);
    if (trade?.price != null)
      this.h.event({ type: 'trade', symbol, price: trade.price, size: trade.size ?? 0, ts });
    if (Number.isNaN(next.bid) || Number.isNaN(next.ask)) return;
    if (Number.isNaN(next.last) || Number.isNaN(next.open)) {
      const last = Number.isNaN(next.last) ? (next.bid + next.ask) / 2 : next.last;
      this.h.event({
        type: 'quote',
        quote: { ...next, last, open: Number.isNaN(next.open) ? last : next.open },
      });
      return;
    }
    this.h.event({ type: 'quote', quote: next });
  }

  // ---- inbound -------------------------------------------------------------------------------

  private onMessage(socket: SocketName, data: Buffer, isBinary: boolean): void {
    this.h.frame(socket);
    if (isBinary) {
      this.h.malformed(`binary frame on ${socket}`, data.subarray(0, 64).toString('hex'));
      return;
    }
    for (const f of readSockFrames(data.toString('utf8'))) {
      switch (f.type) {
        case 'open':
          this.opened.add(socket);
          this.pending.resolve(`${socket}:open`, undefined);
          break;
        case 'heartbeat':
          break;
        case 'close':
          // `c[code,"reason"]` comes before the socket closes: it is the real reason.
          this.closeFrame = { code: f.code, reason: f.reason };
          break;
        case 'bad':
          this.h.malformed(`${socket}: ${f.detail}`, f.sample);
          break;
        case 'messages':
          for (const m of f.messages) {
            try {
              this.onItem(socket, m);
            } catch (err) {
              this.o.logger.error(
                { connectionId: this.o.connectionId, socket, err },
                'message handling failed',
              );
              this.h.malformed(`${socket}: message handling failed`, JSON.stringify(m) ?? '');
            }
          }
          break;
      }
    }
    this.emitDrained();
  }

  private onItem(socket: SocketName, m: unknown): void {
    if (typeof m === 'object' && m !== null && 'e' in m) return this.onEvent(socket, m);
    const r = Reply.safeParse(m);
    if (!r.success)
      return this.h.malformed(`${socket}: neither a reply nor an event`, JSON.stringify(m) ?? '');
    const reply = r.data;
    if (reply.i === null) {
      this.o.logger.warn(
        { connectionId: this.o.connectionId, socket, status: reply.s, d: reply.d },
        'server error without request id',
      );
      return;
    }
    const key = `${socket}:${reply.i}`;
    if (!this.pending.has(key))
      return this.h.malformed(`${socket}: reply for unknown request ${reply.i}`, JSON.stringify(m));
    if (reply.s >= 200 && reply.s < 300) {
      const penalty = Penalty.safeParse(reply.d);
      if (penalty.success) {
        const seconds = penalty.data['p-time'] ?? 1;
        this.pending.reject(
          key,
          new RequestError('rejected', `Tradovate penalty: try again in ${seconds} s`, {
            ambiguous: false,
            code: 'penalty',
          }),
        );
        return;
      }
      if (key === this.syncKey) {
        const sync = SyncMessage.safeParse(reply.d);
        if (!sync.success) {
          this.h.malformed('sync snapshot did not parse', JSON.stringify(reply.d).slice(0, 200));
          this.pending.reject(
            key,
            new LinkError('protocol', 'user/syncrequest answered with an unreadable snapshot'),
          );
          return;
        }
        // Loaded before the rest of this frame: props behind it in the same frame build on it.
        this.store.loadSync(sync.data);
      }
      if (this.chartReplies.delete(key)) {
        const ids = GetChartReply.safeParse(reply.d);
        if (ids.success) {
          // Registered before the rest of this frame: history packets may ride behind the reply.
          const hid = ids.data.historicalId;
          this.chartBars.set(hid, []);
          const done = this.chartDone.wait(hid, { op: 'md/getChart' });
          done.catch(() => undefined);
          this.chartWaits.set(hid, done);
        }
      }
      this.pending.resolve(key, reply.d);
      return;
    }
    const text = typeof reply.d === 'string' ? reply.d : JSON.stringify(reply.d ?? '');
    this.chartReplies.delete(key);
    // A 5xx may have executed: ambiguous, so an order call resolves it by lookup, never by resending.
    this.pending.reject(
      key,
      new RequestError('rejected', `${reply.s}: ${text}`, {
        ambiguous: reply.s >= 500,
        code: String(reply.s),
      }),
    );
  }

  private onEvent(socket: SocketName, m: object): void {
    const raw = m as { e?: unknown; d?: unknown };
    // The hot event skips the envelope schema: `e` is a string and `d` is read by the next step.
    const ev =
      typeof raw.e === 'string'
        ? { success: true as const, data: { e: raw.e, d: raw.d } }
        : Event.safeParse(m);
    if (!ev.success) return this.h.malformed(`${socket}: bad event`, JSON.stringify(m));
    switch (ev.data.e) {
      case 'props': {
        const p = PropsData.safeParse(ev.data.d);
        if (!p.success)
          return this.h.malformed('props event without entityType', JSON.stringify(m).slice(0, 200));
        const entities = Array.isArray(p.data.entity) ? p.data.entity : [p.data.entity];
        for (const entity of entities) {
          const r = this.store.apply(p.data.entityType, p.data.eventType, entity);
          if (r === 'malformed')
            this.h.malformed(
              `${p.data.entityType} entity did not parse`,
              JSON.stringify(entity).slice(0, 200),
            );
          else if (r === 'unknown-type')
            this.h.malformed(
              `unknown entity type ${p.data.entityType}`,
              JSON.stringify(entity).slice(0, 200),
            );
        }
        return;
      }
      case 'md': {
        // Hot path: plain-number quotes are checked by hand; anything else goes through zod.
        const fast = fastQuotes(ev.data.d);
        if (fast !== null) {
          for (const q of fast) this.onQuote(q);
          // One data mark per event: staleness and lag need the latest, not every contract's.
          this.h.data('quotes', fast.at(-1)?.timestamp ?? null);
          return;
        }
        const d = MdData.safeParse(ev.data.d);
        if (!d.success) return this.h.malformed('md event did not parse', JSON.stringify(m).slice(0, 200));
        for (const q of d.data.quotes) this.onQuote(q);
        this.h.data('quotes', d.data.quotes.at(-1)?.timestamp ?? null);
        return;
      }
      case 'chart': {
        const d = ChartData.safeParse(ev.data.d);
        if (!d.success) return this.h.malformed('chart event did not parse', JSON.stringify(m).slice(0, 200));
        for (const c of d.data.charts) {
          const bars = this.chartBars.get(c.id);
          if (bars === undefined) continue;
          for (const b of c.bars)
            bars.push({
              time: b.timestamp,
              open: b.open,
              high: b.high,
              low: b.low,
              close: b.close,
              volume: (b.upVolume ?? 0) + (b.downVolume ?? 0),
            });
          if (c.eoh === true) {
            this.chartBars.delete(c.id);
            const byTime = new Map(bars.map((b) => [b.time, b]));
            this.chartDone.resolve(
              c.id,
              [...byTime.values()].sort((a, b) => a.time - b.time),
            );
          }
        }
        return;
      }
      case 'shutdown': {
        const d = ShutdownData.safeParse(ev.data.d);
        const reasonCode = d.success ? (d.data.reasonCode ?? 'Unknown') : 'Unknown';
        const reason = d.success ? (d.data.reason ?? '') : '';
        this.shutdown = { reasonCode, reason };
        this.o.logger.warn(
          { connectionId: this.o.connectionId, socket, reasonCode, reason },
          'Tradovate shutdown notice',
        );
        // Quota kicks revoke the token of the closed connection (brokers.md §1.9).
        if (reasonCode !== 'Maintenance') this.o.session.invalidate(`shutdown ${reasonCode}`);
        return;
      }
      case 'clock':
        // Market replay only.
        return;
      default:
        return this.h.malformed(`unknown event ${ev.data.e}`, JSON.stringify(m).slice(0, 200));
    }
  }

  private emitDrained(): void {
    if (!this.store.hasChanges) return;
    const events = this.store.drain();
    for (const e of events) this.h.event(e);
    for (const id of this.store.unresolved()) if (!this.resolving.has(id)) void this.resolve(id);
    // A new position is marked from live quotes: subscribe as soon as it exists.
    if (this.synced !== null && events.some((e) => e.type === 'position')) this.syncQuotes();
  }

  private onClosed(socket: SocketName, info: CloseInfo): void {
    if (this.reported) return;
    this.reported = true;
    this.stopRenewal();
    // One leg down is the link down: drop the other so both reconnect (and resync) together.
    this.sockets[socket === 'trading' ? 'md' : 'trading'].terminate();
    this.pending.close(`${socket} closed (${info.code})`);
    this.chartDone.close(`${socket} closed (${info.code})`);
    const closed = this.classify(info);
    if (closed.code === 1008) this.o.session.invalidate(closed.reason);
    this.o.logger.info(
      { connectionId: this.o.connectionId, socket, code: closed.code, reason: closed.reason },
      'Tradovate link closed',
    );
    this.h.closed(closed);
  }

  /** The close as the supervisor's policy should see it: the shutdown notice and `c[...]` frame win. */
  private classify(info: CloseInfo): CloseInfo {
    const s = this.shutdown;
    if (s !== null) {
      if (s.reasonCode === 'Maintenance')
        return { code: 1013, reason: `Tradovate maintenance: ${s.reason || 'try again later'}` };
      return {
        code: 1008,
        reason: `Tradovate closed this connection (${s.reasonCode}${s.reason ? `: ${s.reason}` : ''}); another session may be using this login`,
      };
    }
    return this.closeFrame ?? info;
  }
}

/**
 * The common quote shape read without zod: ids and every price and size plain finite numbers, an
 * ISO timestamp. Null when anything differs (strings for numbers, odd entries): zod then decides.
 */
function fastQuotes(d: unknown): QuoteData[] | null {
  if (typeof d !== 'object' || d === null) return null;
  const quotes = (d as { quotes?: unknown }).quotes;
  if (!Array.isArray(quotes)) return null;
  const out: QuoteData[] = [];
  for (const q of quotes as unknown[]) {
    if (typeof q !== 'object' || q === null) return null;
    const { contractId, timestamp, entries } = q as {
      contractId?: unknown;
      timestamp?: unknown;
      entries?: unknown;
    };
    if (typeof contractId !== 'number' || !Number.isSafeInteger(contractId)) return null;
    let ts: number | undefined;
    if (timestamp !== undefined) {
      if (typeof timestamp !== 'string') return null;
      ts = Date.parse(timestamp);
      if (!Number.isFinite(ts)) return null;
    }
    if (typeof entries !== 'object' || entries === null) return null;
    for (const k in entries) {
      const e = (entries as Record<string, unknown>)[k];
      if (e === null) continue;
      if (typeof e !== 'object') return null;
      const { price, size } = e as { price?: unknown; size?: unknown };
      if (price !== undefined && price !== null && (typeof price !== 'number' || !Number.isFinite(price)))
        return null;
      if (size !== undefined && size !== null && (typeof size !== 'number' || !Number.isFinite(size)))
        return null;
    }
    out.push({
      contractId: String(contractId),
      ...(ts === undefined ? {} : { timestamp: ts }),
      entries: entries as QuoteData['entries'],
    } as QuoteData);
  }
  return out;
}

/** The supervisor's policy reads `LinkError` kinds; a closed link is a network failure. */
function asLinkError(err: unknown): Error {
  if (err instanceof LinkError) return err;
  return new LinkError('network', err instanceof Error ? err.message : String(err));
}
