/**
 * Market streams on the hot path: one combined-stream socket per link, frames checked field by
 * field (no zod, no copies: a bookTicker arrives thousands of times a second), and subscriptions
 * kept to the symbols the terminal watches, changed with paced `SUBSCRIBE` / `UNSUBSCRIBE`
 * messages (Binance cuts a connection past 5 inbound messages a second — pongs count too — and
 * allows 1024 streams per connection).
 */
import type { ConnectionEvent } from '../../connection';
import type { Clock, TimerHandle } from '../../supervisor/clock';
import type { LinkHandlers } from '../../supervisor/link';
import type { BrokerSocket } from '../kit/socket';

/** Streams per symbol: the touch, the tape, and the 24 h ticker (last, open, volume). */
export function streamsFor(symbol: string): string[] {
  const s = symbol.toLowerCase();
  return [`${s}@bookTicker`, `${s}@aggTrade`, `${s}@ticker`];
}

export const MAX_STREAMS = 1024;
/** Control messages at most this often: 4 a second leaves room for pongs under Binance's 5. */
export const CONTROL_SPACING_MS = 250;
/** Stream names per SUBSCRIBE message (keeps each frame small). */
const NAMES_PER_MESSAGE = 200;

/** Book levels per side streamed to a ladder (Binance offers 5, 10 or 20). */
export const DEPTH_LEVELS = 20;

/** The partial book depth stream of a symbol, at 100 ms. */
export function depthStream(symbol: string): string {
  return `${symbol.toLowerCase()}@depth${DEPTH_LEVELS}@100ms`;
}

/**
 * Streams for `symbols`, sorted, capped at Binance's per-connection limit; a symbol in `depth`
 * (a ladder watches it) also gets its partial book depth stream.
 */
export function wantedStreams(
  symbols: Iterable<string>,
  depth: ReadonlySet<string> = new Set(),
): { streams: string[]; dropped: string[] } {
  const streams: string[] = [];
  const dropped: string[] = [];
  for (const sym of [...symbols].sort()) {
    const names = streamsFor(sym);
    if (depth.has(sym)) names.push(depthStream(sym));
    if (streams.length + names.length > MAX_STREAMS) dropped.push(sym);
    else streams.push(...names);
  }
  return { streams, dropped };
}

/**
 * One side of a partial book: `[["price","qty"], …]`, decimal strings (numbers tolerated, extra
 * entries per level ignored). Zero-quantity levels are dropped; null when the side is malformed.
 */
function bookSide(v: unknown): [number, number][] | null {
  if (!Array.isArray(v)) return null;
  const out: [number, number][] = [];
  for (const level of v) {
    if (!Array.isArray(level) || level.length < 2) return null;
    const price = num(level[0]);
    const qty = num(level[1]);
    if (!(price > 0) || !(qty >= 0)) return null;
    if (qty > 0 && out.length < DEPTH_LEVELS) out.push([price, qty]);
  }
  return out;
}

/** A decimal string or a number; NaN otherwise. */
function num(v: unknown): number {
  return typeof v === 'string' ? Number(v) : typeof v === 'number' ? v : Number.NaN;
}

interface SymbolState {
  bid: number;
  ask: number;
  bidSize: number;
  askSize: number;
  last: number;
  open: number;
  volume: number;
  /**
   * The decimal strings the book numbers came from: a bookTicker usually changes one side, so an
   * unchanged string (a cheap compare) skips parsing it again.
   */
  raw: [unknown, unknown, unknown, unknown];
}

/** A field that must be a decimal string; NaN otherwise (the caller drops the frame). */
function px(v: unknown): number {
  return typeof v === 'string' ? Number(v) : Number.NaN;
}

export class MarketFeed {
  private readonly state = new Map<string, SymbolState>();
  /** What the server has (or will have, once queued messages go out). */
  private readonly subscribed = new Set<string>();
  private readonly queue: { method: 'SUBSCRIBE' | 'UNSUBSCRIBE'; params: string[] }[] = [];
  private timer: TimerHandle | null = null;
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly socket: BrokerSocket,
    private readonly h: LinkHandlers,
    private readonly connectionId: string,
    private readonly clock: Clock,
    initial: readonly string[],
    private readonly onShutdown: () => void,
    private readonly warn: (obj: object, msg: string) => void,
  ) {
    for (const s of initial) this.subscribed.add(s);
  }

  /** Move the subscription to `streams`: one paced message per change batch. */
  want(streams: readonly string[]): void {
    const next = new Set(streams);
    const add = streams.filter((s) => !this.subscribed.has(s));
    const remove = [...this.subscribed].filter((s) => !next.has(s));
    for (const s of remove) this.subscribed.delete(s);
    for (const s of add) this.subscribed.add(s);
    for (let i = 0; i < remove.length; i += NAMES_PER_MESSAGE)
      this.queue.push({ method: 'UNSUBSCRIBE', params: remove.slice(i, i + NAMES_PER_MESSAGE) });
    for (let i = 0; i < add.length; i += NAMES_PER_MESSAGE)
      this.queue.push({ method: 'SUBSCRIBE', params: add.slice(i, i + NAMES_PER_MESSAGE) });
    this.pump();
  }

  /** Last trade (or mid before one) of a streamed symbol. */
  lastPrice(symbol: string): number | null {
    const st = this.state.get(symbol);
    if (st === undefined) return null;
    return st.last > 0 ? st.last : st.bid > 0 ? (st.bid + st.ask) / 2 : null;
  }

  get streams(): ReadonlySet<string> {
    return this.subscribed;
  }

  close(): void {
    this.closed = true;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  private pump(): void {
    if (this.timer !== null || this.closed) return;
    const msg = this.queue.shift();
    if (msg === undefined) return;
    this.socket.send({ method: msg.method, params: msg.params, id: this.nextId++ });
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      this.pump();
    }, CONTROL_SPACING_MS);
  }

  onFrame(data: Buffer, isBinary: boolean): void {
    this.h.frame('market');
    if (isBinary)
      return this.h.malformed('binary frame on the market stream', data.subarray(0, 64).toString('hex'));
    let msg: unknown;
    try {
      msg = JSON.parse(data.toString('utf8'));
    } catch {
      return this.h.malformed('market frame is not JSON', data.toString('utf8', 0, 200));
    }
    if (typeof msg !== 'object' || msg === null)
      return this.h.malformed('market frame is not an object', data.toString('utf8', 0, 200));
    const m = msg as {
      stream?: unknown;
      data?: unknown;
      result?: unknown;
      code?: unknown;
      msg?: unknown;
      id?: unknown;
    };
    const stream = m.stream;
    const d = m.data as Record<string, unknown> | null | undefined;
    if (typeof stream !== 'string') {
      if ('result' in m) return;
      if (typeof m.code === 'number') {
        this.warn(
          { connectionId: this.connectionId, code: m.code, msg: m.msg, id: m.id },
          'market stream control error',
        );
        return;
      }
      return this.h.malformed('market frame without a stream', data.toString('utf8', 0, 200));
    }
    if (typeof d !== 'object' || d === null)
      return this.h.malformed(`${stream}: no data`, data.toString('utf8', 0, 200));
    // Suffix tests, not a split: no substring allocated per frame on the hot path.
    if (stream.endsWith('@bookTicker')) return this.bookTicker(d, data);
    if (stream.endsWith('@aggTrade')) return this.aggTrade(d, data);
    if (stream.endsWith('@ticker')) return this.ticker(d, data);
    if (stream.endsWith('@100ms') || stream.includes('@depth')) return this.partialDepth(stream, d, data);
    if (stream === '!serverShutdown') return this.onShutdown();
    // Streams we did not ask for (another client's leftovers): counted as frames, not applied.
  }

  private symbol(d: Record<string, unknown>): SymbolState | null {
    const s = d.s;
    if (typeof s !== 'string') return null;
    let st = this.state.get(s);
    if (st === undefined) {
      st = {
        bid: 0,
        ask: 0,
        bidSize: 0,
        askSize: 0,
        last: 0,
        open: 0,
        volume: 0,
        raw: [null, null, null, null],
      };
      this.state.set(s, st);
    }
    return st;
  }

  private bookTicker(d: Record<string, unknown>, raw: Buffer): void {
    const st = this.symbol(d);
    if (st === null) return this.h.malformed('bookTicker with a bad field', raw.toString('utf8', 0, 200));
    const r = st.raw;
    const b = d.b;
    const a = d.a;
    const bs = d.B;
    const as = d.A;
    const bid = b === r[0] ? st.bid : px(b);
    const ask = a === r[1] ? st.ask : px(a);
    const bidSize = bs === r[2] ? st.bidSize : px(bs);
    const askSize = as === r[3] ? st.askSize : px(as);
    if (!(bid >= 0) || !(ask >= 0) || !(bidSize >= 0) || !(askSize >= 0))
      return this.h.malformed('bookTicker with a bad field', raw.toString('utf8', 0, 200));
    r[0] = b;
    r[1] = a;
    r[2] = bs;
    r[3] = as;
    st.bid = bid;
    st.ask = ask;
    st.bidSize = bidSize;
    st.askSize = askSize;
    // Spot bookTicker carries no exchange time: it feeds staleness, not lag.
    this.h.data('quotes', null);
    const now = this.clock.now();
    this.emitQuote(d.s as string, st, now, now);
  }

  /** `<s>@depth<N>[@100ms]`: the payload names no symbol, the stream does. */
  private partialDepth(stream: string, d: Record<string, unknown>, raw: Buffer): void {
    const at = stream.indexOf('@depth');
    // A diff stream (`@depth@100ms`, `depthUpdate`) is not asked for: not applied.
    if (at <= 0 || !/^@depth(5|10|20)(@\d+ms)?$/.test(stream.slice(at))) return;
    const bids = bookSide(d.bids);
    const asks = bookSide(d.asks);
    if (bids === null || asks === null)
      return this.h.malformed('depth with a bad field', raw.toString('utf8', 0, 200));
    const now = this.clock.now();
    this.h.event({
      type: 'depth',
      depth: {
        connectionId: this.connectionId,
        symbol: stream.slice(0, at).toUpperCase(),
        // Best first on each side, whatever order they came in.
        bids: bids.sort((a, b) => b[0] - a[0]),
        asks: asks.sort((a, b) => a[0] - b[0]),
        ts: now,
      },
    });
  }

  private aggTrade(d: Record<string, unknown>, raw: Buffer): void {
    const st = this.symbol(d);
    const price = px(d.p);
    const size = px(d.q);
    const ts = d.T;
    if (st === null || !(price > 0) || !(size > 0) || typeof ts !== 'number')
      return this.h.malformed('aggTrade with a bad field', raw.toString('utf8', 0, 200));
    st.last = price;
    // The next bookTicker carries the new last price to the quote: no second event per trade.
    const e: ConnectionEvent = { type: 'trade', symbol: d.s as string, price, size, ts };
    this.h.event(e);
  }

  private ticker(d: Record<string, unknown>, raw: Buffer): void {
    const st = this.symbol(d);
    const last = px(d.c);
    const open = px(d.o);
    const volume = px(d.v);
    const ts = d.E;
    if (st === null || !(last > 0) || !(open >= 0) || !(volume >= 0) || typeof ts !== 'number')
      return this.h.malformed('24hrTicker with a bad field', raw.toString('utf8', 0, 200));
    st.open = open;
    st.volume = volume;
    if (st.last === 0) st.last = last;
    if (st.bid === 0) {
      const bid = px(d.b);
      const ask = px(d.a);
      if (bid > 0 && ask > 0) {
        st.bid = bid;
        st.ask = ask;
      }
    }
    this.h.data('tickers', ts);
    if (st.bid > 0) this.emitQuote(d.s as string, st, ts, this.clock.now());
  }

  private emitQuote(symbol: string, st: SymbolState, ts: number, now: number): void {
    this.h.event({
      type: 'quote',
      quote: {
        symbol,
        connectionId: this.connectionId,
        bid: st.bid,
        ask: st.ask,
        last: st.last > 0 ? st.last : (st.bid + st.ask) / 2,
        bidSize: st.bidSize,
        askSize: st.askSize,
        open: st.open,
        volume: st.volume,
        ts,
        receivedAt: now,
      },
    });
  }
}
