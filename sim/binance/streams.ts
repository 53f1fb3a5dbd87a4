/**
 * Binance's market streams: raw `/ws/<stream>` and combined `/stream?streams=a/b` (payloads
 * wrapped `{stream, data}`), live `SUBSCRIBE` / `UNSUBSCRIBE` / `LIST_SUBSCRIPTIONS` /
 * `SET_PROPERTY` / `GET_PROPERTY` with Binance's error codes, at most 5 inbound messages a second
 * and 1024 streams per connection, server pings every 20 s (a client that does not pong within a
 * minute is dropped), `serverShutdown`, and the 24-hour lifetime. Streams: `<s>@bookTicker`
 * (every book change; the book's displayed size moves between trades too), `<s>@aggTrade`,
 * `<s>@trade`, `<s>@ticker`, `<s>@miniTicker`, `<s>@kline_1m`, `!miniTicker@arr`, and the
 * partial book depth `<s>@depth<5|10|20>[@100ms]` (`{lastUpdateId, bids, asks}` as decimal-string
 * pairs, every 1000 ms or 100 ms: the venue's synthetic book around the current touch).
 */
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import type { MarketTick } from '../../src/exchange/priceProcess';
import { type Authorization, type SimClient, SimServer } from '../base';
import type { World } from '../world';
import { dec } from './market';
import { syntheticBook } from '../../src/exchange/depth';

/** `<symbol>@depth<levels>[@100ms]`, Binance's partial book depth stream names. */
const PARTIAL_DEPTH = /^([a-z0-9]+)@depth(5|10|20)(@100ms)?$/;

export interface StreamMeta {
  combined: boolean;
  streams: Set<string>;
}

export interface BinanceStreamOptions {
  port?: number;
  serverPing?: { intervalMs: number; timeoutMs: number };
  maxConnectionAgeMs?: number;
  /** Book-size changes between trades, per symbol, this often (default 100 ms; 0: only on ticks). */
  bookUpdateMs?: number;
  /** Inbound messages per second before a connection is cut (Binance: 5). */
  maxMessagesPerSec?: number;
}

interface Stats {
  open: number;
  high: number;
  low: number;
  volume: number;
  quoteVolume: number;
  count: number;
  firstId: number;
  lastQty: number;
  kline: { t: number; o: number; h: number; l: number; c: number; v: number; q: number; n: number };
}

const MAX_STREAMS = 1024;

export class BinanceStreamServer extends SimServer<StreamMeta> {
  accepted = 0;
  peakConnections = 0;
  /** Subscribers by stream name. */
  private readonly subscribers = new Map<string, Set<SimClient<StreamMeta>>>();
  private readonly stats = new Map<string, Stats>();
  private unsubscribe: (() => void) | null = null;
  private timers: ReturnType<typeof setInterval>[] = [];
  private bookSeq = 1;
  private depthRound = 0;
  private aggSeq = 1;
  private tradeSeq = 1;
  private maxAgeMs: number | null;

  constructor(
    private readonly world: World,
    private readonly streamOpts: BinanceStreamOptions = {},
  ) {
    super({
      name: 'binance-streams',
      wsPath: '/stream',
      wsPaths: ['/ws/*', '/ws'],
      port: streamOpts.port,
      inboundRate: { limit: streamOpts.maxMessagesPerSec ?? 5, windowMs: 1000 },
      serverPing: streamOpts.serverPing ?? { intervalMs: 20_000, timeoutMs: 60_000 },
    });
    this.maxAgeMs = streamOpts.maxConnectionAgeMs ?? null;
    this.defineFault('server-shutdown', z.object({ kind: z.literal('server-shutdown') }), () =>
      this.serverShutdown(),
    );
    this.defineFault(
      'lifetime',
      z.object({ kind: z.literal('lifetime'), ms: z.number().int().positive() }),
      (f) => {
        this.maxAgeMs = f.ms;
      },
    );
  }

  setMaxAge(ms: number | null): void {
    this.maxAgeMs = ms;
  }

  /** Streams a connection is subscribed to (tests of re-subscription). */
  subscriptionsOf(): string[][] {
    return [...this.clients.values()].map((c) => [...c.meta.streams]);
  }

  serverShutdown(): void {
    const data = JSON.stringify({ e: 'serverShutdown', E: Date.now() });
    for (const c of this.clients.values())
      this.send(c, c.meta.combined ? `{"stream":"!serverShutdown","data":${data}}` : data);
  }

  protected override authorize(req: IncomingMessage, path: string): Authorization<StreamMeta> {
    const url = new URL(req.url ?? path, 'http://sim.invalid');
    if (path === '/stream') {
      const names = (url.searchParams.get('streams') ?? '').split('/').filter((s) => s !== '');
      if (names.length > MAX_STREAMS) return { ok: false, code: 1008, reason: 'Too many streams' };
      return { ok: true, meta: { combined: true, streams: new Set(names) } };
    }
    const raw = path.startsWith('/ws/') ? path.slice(4) : '';
    return { ok: true, meta: { combined: false, streams: new Set(raw === '' ? [] : [raw]) } };
  }

  protected override onOpen(client: SimClient<StreamMeta>): void {
    this.accepted += 1;
    this.peakConnections = Math.max(this.peakConnections, this.connectionCount);
    for (const s of client.meta.streams) this.add(client, s);
  }

  protected override onClose(client: SimClient<StreamMeta>): void {
    for (const s of client.meta.streams) this.subscribers.get(s)?.delete(client);
  }

  protected override onMessage(client: SimClient<StreamMeta>, data: Buffer): void {
    let msg: unknown;
    try {
      msg = JSON.parse(data.toString('utf8'));
    } catch (err) {
      this.reply(client, { code: 3, msg: `Invalid JSON: ${(err as Error).message}`, id: null });
      return;
    }
    const m = msg as { method?: unknown; params?: unknown; id?: unknown };
    const id = m.id;
    const idOk =
      id === null ||
      (typeof id === 'number' && Number.isInteger(id)) ||
      (typeof id === 'string' && /^[A-Za-z0-9]{1,36}$/.test(id));
    if (typeof msg !== 'object' || msg === null || !idOk) {
      this.reply(client, {
        code: 2,
        msg: 'Invalid request: request ID must be an unsigned integer',
        id: null,
      });
      return;
    }
    const params = Array.isArray(m.params) ? (m.params as unknown[]) : [];
    switch (m.method) {
      case 'SUBSCRIBE': {
        const names = params.filter((p): p is string => typeof p === 'string');
        if (names.length !== params.length)
          return this.reply(client, { code: 2, msg: 'Invalid request: params must be stream names', id });
        const fresh = names.filter((n) => !client.meta.streams.has(n));
        if (client.meta.streams.size + fresh.length > MAX_STREAMS)
          return this.reply(client, {
            code: 2,
            msg: `Invalid request: more than ${MAX_STREAMS} streams`,
            id,
          });
        for (const n of fresh) {
          client.meta.streams.add(n);
          this.add(client, n);
        }
        return this.reply(client, { result: null, id });
      }
      case 'UNSUBSCRIBE':
        for (const n of params) {
          if (typeof n !== 'string') continue;
          client.meta.streams.delete(n);
          this.subscribers.get(n)?.delete(client);
        }
        return this.reply(client, { result: null, id });
      case 'LIST_SUBSCRIPTIONS':
        return this.reply(client, { result: [...client.meta.streams], id });
      case 'SET_PROPERTY':
        if (params[0] !== 'combined') return this.reply(client, { code: 0, msg: 'Unknown property', id });
        if (typeof params[1] !== 'boolean')
          return this.reply(client, { code: 1, msg: 'Invalid value type: expected Boolean', id });
        client.meta.combined = params[1];
        return this.reply(client, { result: null, id });
      case 'GET_PROPERTY':
        if (params[0] !== 'combined') return this.reply(client, { code: 0, msg: 'Unknown property', id });
        return this.reply(client, { result: client.meta.combined, id });
      default:
        return this.reply(client, { code: 2, msg: 'Invalid request: unknown method', id });
    }
  }

  protected override onStart(): void {
    const now = Date.now();
    for (const s of this.world.venue.symbols()) {
      const q = this.world.venue.quote(s);
      this.stats.set(s, {
        open: q.last,
        high: q.last,
        low: q.last,
        volume: 0,
        quoteVolume: 0,
        count: 0,
        firstId: this.tradeSeq,
        lastQty: 0,
        kline: {
          t: Math.floor(now / 60_000) * 60_000,
          o: q.last,
          h: q.last,
          l: q.last,
          c: q.last,
          v: 0,
          q: 0,
          n: 0,
        },
      });
    }
    this.unsubscribe = this.world.venue.onTick((t) => this.onTick(t));
    this.timers.push(setInterval(() => this.everySecond(), 1000));
    this.timers.push(setInterval(() => this.klines(), 2000));
    const book = this.streamOpts.bookUpdateMs ?? 100;
    if (book > 0) this.timers.push(setInterval(() => this.bookFlicker(), book));
    this.timers.push(setInterval(() => this.partialDepth(), 100));
    this.timers.push(setInterval(() => this.cutOld(), 50));
  }

  protected override onStop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.subscribers.clear();
  }

  private cutOld(): void {
    const age = this.maxAgeMs;
    if (age === null) return;
    const now = Date.now();
    for (const c of this.clients.values())
      if (now - c.openedAt >= age && !c.halfOpen) c.ws.close(1001, 'connection lifetime reached');
  }

  private add(client: SimClient<StreamMeta>, name: string): void {
    let set = this.subscribers.get(name);
    if (set === undefined) {
      set = new Set();
      this.subscribers.set(name, set);
    }
    set.add(client);
  }

  private reply(client: SimClient<StreamMeta>, body: unknown): void {
    this.send(client, JSON.stringify(body));
  }

  /** Send one payload to a stream's subscribers, wrapped for combined connections. */
  private publish(name: string, payload: string): void {
    const set = this.subscribers.get(name);
    if (set === undefined || set.size === 0) return;
    let wrapped: string | null = null;
    for (const c of set) {
      if (c.meta.combined) {
        wrapped ??= `{"stream":"${name}","data":${payload}}`;
        this.send(c, wrapped);
      } else this.send(c, payload);
    }
  }

  private has(name: string): boolean {
    return (this.subscribers.get(name)?.size ?? 0) > 0;
  }

  private onTick(t: MarketTick): void {
    const s = t.symbol.toLowerCase();
    const st = this.stats.get(t.symbol);
    if (t.tradeSize > 0 && st !== undefined) {
      const now = Date.now();
      st.high = Math.max(st.high, t.last);
      st.low = Math.min(st.low, t.last);
      st.volume += t.tradeSize;
      st.quoteVolume += t.tradeSize * t.last;
      st.count += 1;
      st.lastQty = t.tradeSize;
      const k = st.kline;
      const minute = Math.floor(now / 60_000) * 60_000;
      if (minute !== k.t)
        Object.assign(k, { t: minute, o: t.last, h: t.last, l: t.last, c: t.last, v: 0, q: 0, n: 0 });
      k.h = Math.max(k.h, t.last);
      k.l = Math.min(k.l, t.last);
      k.c = t.last;
      k.v += t.tradeSize;
      k.q += t.tradeSize * t.last;
      k.n += 1;
      const tradeId = this.tradeSeq++;
      const buyerIsMaker = t.tradeSide === 'sell';
      if (this.has(`${s}@aggTrade`))
        this.publish(
          `${s}@aggTrade`,
          `{"e":"aggTrade","E":${now},"s":"${t.symbol}","a":${this.aggSeq++},"p":"${dec(t.last)}","q":"${dec(t.tradeSize)}","f":${tradeId},"l":${tradeId},"T":${now},"m":${buyerIsMaker},"M":true}`,
        );
      if (this.has(`${s}@trade`))
        this.publish(
          `${s}@trade`,
          `{"e":"trade","E":${now},"s":"${t.symbol}","t":${tradeId},"p":"${dec(t.last)}","q":"${dec(t.tradeSize)}","T":${now},"m":${buyerIsMaker},"M":true}`,
        );
    }
    this.bookTicker(t.symbol, t.bid, t.bidSize, t.ask, t.askSize);
  }

  private bookTicker(symbol: string, bid: number, bidSize: number, ask: number, askSize: number): void {
    const name = `${symbol.toLowerCase()}@bookTicker`;
    if (!this.has(name)) return;
    // Spot bookTicker carries no event type or time: `u` is the book update id.
    this.publish(
      name,
      `{"u":${this.bookSeq++},"s":"${symbol}","b":"${dec(bid)}","B":"${dec(bidSize)}","a":"${dec(ask)}","A":"${dec(askSize)}"}`,
    );
  }

  /** Every subscribed partial-depth stream: the @100ms ones each round, the others every tenth. */
  private partialDepth(): void {
    const slow = this.depthRound++ % 10 === 0;
    const symbols = new Map<string, string>();
    for (const sym of this.world.venue.symbols()) symbols.set(sym.toLowerCase(), sym);
    for (const [name, set] of this.subscribers) {
      if (set.size === 0) continue;
      const m = PARTIAL_DEPTH.exec(name);
      if (m === null) continue;
      if (m[3] === undefined && !slow) continue;
      const symbol = symbols.get(m[1] ?? '');
      const spec = symbol === undefined ? undefined : this.world.venue.spec(symbol);
      if (symbol === undefined || spec === undefined) continue;
      const q = this.world.venue.quote(symbol);
      const book = syntheticBook(q, {
        tickSize: spec.instrument.tickSize,
        qtyStep: spec.instrument.qtyStep,
        bookSize: spec.bookSize,
        levels: Number(m[2]),
        symbol,
      });
      const side = (levels: [number, number][]) =>
        levels.map(([p, n]) => `["${dec(p)}","${dec(n)}"]`).join(',');
      this.publish(
        name,
        `{"lastUpdateId":${this.bookSeq++},"bids":[${side(book.bids)}],"asks":[${side(book.asks)}]}`,
      );
    }
  }

  /** Resting size at the touch changes between trades (other traders' orders). */
  private bookFlicker(): void {
    const rng = this.world.venue.flowRng;
    for (const symbol of this.world.venue.symbols()) {
      const q = this.world.venue.quote(symbol);
      const step = this.world.venue.spec(symbol)?.instrument.qtyStep ?? 1;
      const jitter = (n: number) => Math.max(step, Math.round((n * (0.8 + 0.4 * rng())) / step) * step);
      this.bookTicker(symbol, q.bid, jitter(q.bidSize), q.ask, jitter(q.askSize));
    }
  }

  private everySecond(): void {
    const now = Date.now();
    const minis: string[] = [];
    for (const [symbol, st] of this.stats) {
      const s = symbol.toLowerCase();
      const q = this.world.venue.quote(symbol);
      const last = q.last;
      const mini = `{"e":"24hrMiniTicker","E":${now},"s":"${symbol}","c":"${dec(last)}","o":"${dec(st.open)}","h":"${dec(st.high)}","l":"${dec(st.low)}","v":"${dec(st.volume)}","q":"${dec(st.quoteVolume)}"}`;
      minis.push(mini);
      this.publish(`${s}@miniTicker`, mini);
      if (this.has(`${s}@ticker`)) {
        const chg = last - st.open;
        this.publish(
          `${s}@ticker`,
          `{"e":"24hrTicker","E":${now},"s":"${symbol}","p":"${dec(chg)}","P":"${(st.open === 0 ? 0 : (100 * chg) / st.open).toFixed(3)}","w":"${dec(st.volume === 0 ? last : st.quoteVolume / st.volume)}","x":"${dec(st.open)}","c":"${dec(last)}","Q":"${dec(st.lastQty)}","b":"${dec(q.bid)}","B":"${dec(q.bidSize)}","a":"${dec(q.ask)}","A":"${dec(q.askSize)}","o":"${dec(st.open)}","h":"${dec(st.high)}","l":"${dec(st.low)}","v":"${dec(st.volume)}","q":"${dec(st.quoteVolume)}","O":${now - 86_400_000},"C":${now},"F":${st.firstId},"L":${this.tradeSeq - 1},"n":${st.count}}`,
        );
      }
    }
    if (this.has('!miniTicker@arr')) this.publish('!miniTicker@arr', `[${minis.join(',')}]`);
  }

  private klines(): void {
    const now = Date.now();
    for (const [symbol, st] of this.stats) {
      const name = `${symbol.toLowerCase()}@kline_1m`;
      if (!this.has(name)) continue;
      const k = st.kline;
      this.publish(
        name,
        `{"e":"kline","E":${now},"s":"${symbol}","k":{"t":${k.t},"T":${k.t + 59_999},"s":"${symbol}","i":"1m","f":0,"L":0,"o":"${dec(k.o)}","c":"${dec(k.c)}","h":"${dec(k.h)}","l":"${dec(k.l)}","v":"${dec(k.v)}","n":${k.n},"x":${now >= k.t + 60_000},"q":"${dec(k.q)}","V":"0","Q":"0","B":"0"}}`,
      );
    }
  }
}
