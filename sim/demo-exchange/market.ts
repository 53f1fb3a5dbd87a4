/**
 * The demo exchange's market-data endpoint, on its own port: `/ws/quotes` streams every symbol,
 * `/ws/quote/<SYMBOL>` one symbol, both straight from the world's venue on every tick. No login:
 * like Binance's market streams, quotes are public.
 */
import type { IncomingMessage } from 'node:http';
import type { VenueQuote } from '../../src/exchange/venue';
import { type Authorization, type SimClient, SimServer } from '../base';
import type { World } from '../world';

export interface QuoteMeta {
  /** null: every symbol. */
  symbol: string | null;
}

export class DemoMarketServer extends SimServer<QuoteMeta> {
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly world: World,
    opts: { port?: number; serverPing?: { intervalMs: number; timeoutMs: number } } = {},
  ) {
    super({
      name: 'demo-exchange-market',
      wsPath: '/ws/quotes',
      wsPaths: ['/ws/quote/*'],
      port: opts.port,
      ...(opts.serverPing === undefined ? {} : { serverPing: opts.serverPing }),
    });
  }

  protected override authorize(_req: IncomingMessage, path: string): Authorization<QuoteMeta> {
    if (path === '/ws/quotes') return { ok: true, meta: { symbol: null } };
    const symbol = path.slice('/ws/quote/'.length);
    if (!this.world.venue.symbols().includes(symbol))
      return { ok: false, code: 4004, reason: 'unknown symbol' };
    return { ok: true, meta: { symbol } };
  }

  protected override onStart(): void {
    this.unsubscribe = this.world.venue.onTick((_t, q) => this.publish(q));
  }

  protected override onStop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  protected override onOpen(client: SimClient<QuoteMeta>): void {
    // The current state first, so a client never waits a tick to see a price.
    const symbols = client.meta.symbol === null ? this.world.venue.symbols() : [client.meta.symbol];
    for (const s of symbols) this.send(client, quoteFrame(this.world.venue.quote(s)));
  }

  protected override onMessage(): void {}

  private publish(q: VenueQuote): void {
    const frame = quoteFrame(q);
    for (const c of this.clientsWhere((x) => x.meta.symbol === null || x.meta.symbol === q.symbol))
      this.send(c, frame);
  }
}

function quoteFrame(q: VenueQuote): string {
  return JSON.stringify({ s: q.symbol, b: q.bid, a: q.ask, B: q.bidSize, A: q.askSize, l: q.last, t: q.ts });
}
