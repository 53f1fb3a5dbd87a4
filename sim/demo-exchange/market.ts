/**
 * The demo exchange's market-data endpoint, on its own port: `/ws/quotes` streams every symbol,
 * `/ws/quote/<SYMBOL>` one symbol, both straight from the world's venue on every tick. No login:
 * like Binance's market streams, quotes are public. `/ws/market` streams what the client asks
 * for: `{"op":"subscribe","symbols":[…]}` replaces its subscription (unknown symbols ignored), and
 * a `{"e":"hb","t":…}` frame every `heartbeatMs` proves the socket alive while nothing is subscribed.
 */
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import type { VenueQuote } from '../../src/exchange/venue';
import { type Authorization, type SimClient, SimServer } from '../base';
import type { World } from '../world';

export interface QuoteMeta {
  /** null: every symbol. */
  symbol: string | null;
  /** `/ws/market` clients: the symbols they subscribed to (absent on the fixed paths). */
  subscribed?: Set<string>;
}

const Subscribe = z.object({ op: z.literal('subscribe'), symbols: z.array(z.string()) });

export class DemoMarketServer extends SimServer<QuoteMeta> {
  private unsubscribe: (() => void) | null = null;
  private heartbeat: ReturnType<typeof setInterval> | null = null;
  private readonly heartbeatMs: number;

  constructor(
    private readonly world: World,
    opts: {
      port?: number;
      serverPing?: { intervalMs: number; timeoutMs: number };
      /** `/ws/market` heartbeat frame interval (default 1000 ms). */
      heartbeatMs?: number;
    } = {},
  ) {
    super({
      name: 'demo-exchange-market',
      wsPath: '/ws/quotes',
      wsPaths: ['/ws/quote/*', '/ws/market'],
      port: opts.port,
      ...(opts.serverPing === undefined ? {} : { serverPing: opts.serverPing }),
    });
    this.heartbeatMs = opts.heartbeatMs ?? 1000;
  }

  protected override authorize(_req: IncomingMessage, path: string): Authorization<QuoteMeta> {
    if (path === '/ws/quotes') return { ok: true, meta: { symbol: null } };
    if (path === '/ws/market') return { ok: true, meta: { symbol: null, subscribed: new Set() } };
    const symbol = path.slice('/ws/quote/'.length);
    if (!this.world.venue.symbols().includes(symbol))
      return { ok: false, code: 4004, reason: 'unknown symbol' };
    return { ok: true, meta: { symbol } };
  }

  protected override onStart(): void {
    this.unsubscribe = this.world.venue.onTick((_t, q) => this.publish(q));
    this.heartbeat = setInterval(() => {
      const frame = JSON.stringify({ e: 'hb', t: this.world.now() });
      for (const c of this.clientsWhere((x) => x.meta.subscribed !== undefined)) this.send(c, frame);
    }, this.heartbeatMs);
  }

  protected override onStop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.heartbeat !== null) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }

  protected override onOpen(client: SimClient<QuoteMeta>): void {
    if (client.meta.subscribed !== undefined) return;
    // The current state first, so a client never waits a tick to see a price.
    const symbols = client.meta.symbol === null ? this.world.venue.symbols() : [client.meta.symbol];
    for (const s of symbols) this.send(client, this.quoteFrame(this.world.venue.quote(s)));
  }

  protected override onMessage(client: SimClient<QuoteMeta>, data: Buffer, isBinary: boolean): void {
    const subscribed = client.meta.subscribed;
    if (subscribed === undefined || isBinary) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(data.toString('utf8'));
    } catch {
      return;
    }
    const r = Subscribe.safeParse(parsed);
    if (!r.success) return;
    const known = new Set(this.world.venue.symbols());
    const wanted = new Set(r.data.symbols.filter((s) => known.has(s)));
    const added = [...wanted].filter((s) => !subscribed.has(s));
    client.meta.subscribed = wanted;
    // New symbols start with their current quote, as a fresh connection does.
    for (const s of added) this.send(client, this.quoteFrame(this.world.venue.quote(s)));
  }

  private publish(q: VenueQuote): void {
    const frame = this.quoteFrame(q);
    for (const c of this.clientsWhere(
      (x) => x.meta.subscribed?.has(q.symbol) ?? (x.meta.symbol === null || x.meta.symbol === q.symbol),
    ))
      this.send(c, frame);
  }

  /** `o` is the session open (the symbol's start price), `v` the volume since it opened. */
  private quoteFrame(q: VenueQuote): string {
    const open = this.world.venue.spec(q.symbol)?.startPrice ?? q.last;
    return JSON.stringify({
      s: q.symbol,
      b: q.bid,
      a: q.ask,
      B: q.bidSize,
      A: q.askSize,
      l: q.last,
      o: open,
      v: q.volume,
      t: q.ts,
    });
  }
}
