/**
 * The AI-Trading-V2 realtime endpoint of seed 004 on loopback (`protocols/gateways.md` §4), shaped
 * like the FastAPI service the seed describes:
 * - `/api/ws/realtime`, no authentication; actions `subscribe_ticker`, `unsubscribe_ticker`,
 *   `get_positions`, `get_portfolio`; anything else → `{"type":"ERROR","message":…}`;
 * - POSITION_UPDATE to every client every second (the whole list, one row per trade: several
 *   rows per symbol), PORTFOLIO_UPDATE every two, MARKET_UPDATE for subscribed tickers
 *   (Binance-driven, sub-second);
 * - its own order monitor: every position it opens gets a TRAILING_STOP (sometimes an OCO or a
 *   BRACKET) that it moves with the peak and fires itself; each monitor cycle re-sends every
 *   active advanced order (ORDER_UPDATE with `current_stop_price` and `peak_price`);
 * - epoch-ms `timestamp` on frames, Python naive isoformat inside position rows;
 * - no replay: what happened while a client was away is only in the next full list.
 */
import type { IncomingMessage } from 'node:http';
import type { MarketSpec } from '../../src/exchange/spec';
import type { Instrument } from '../../src/shared/domain';
import { z } from 'zod';
import type { SimAccount } from '../account';
import { type Authorization, type SimClient, SimServer } from '../base';
import { World } from '../world';

function crypto(symbol: string, startPrice: number, minuteVol: number): MarketSpec {
  const instrument: Instrument = {
    symbol,
    name: symbol,
    assetClass: 'crypto',
    tickSize: 0.01,
    multiplier: 1,
    currency: 'USD',
    qtyStep: 0.00001,
    pricePrecision: 2,
    connectionId: 'sim',
  };
  // bookSize is in qty steps (0.00001): about 20 coins at the touch, so the bot's orders fill whole.
  return { instrument, startPrice, minuteVol, bookSize: 2_000_000, spreadTicks: 1 };
}

export const cryptoSymbols: readonly MarketSpec[] = [
  crypto('BTCUSDT', 43_250.5, 0.002),
  crypto('ETHUSDT', 2_250, 0.0025),
  crypto('SOLUSDT', 98.4, 0.004),
];

export interface RealtimeSimOptions {
  port?: number;
  positionsIntervalMs?: number;
  portfolioIntervalMs?: number;
  marketIntervalMs?: number;
  /** The order monitor's cycle (moves stops, fires exits, re-sends active orders). */
  monitorIntervalMs?: number;
  /** How often the strategy opens a position (with its advanced order). */
  openIntervalMs?: number;
  /** Trailing distance of the server's trailing stops, in percent. */
  trailPercent?: number;
  maxConnectionAgeMs?: number;
  seed?: number;
  world?: World;
}

interface ClientMeta {
  tickers: Set<string>;
}

interface Row {
  id: string;
  symbol: string;
  type: 'buy';
  quantity: number;
  entry_price: number;
  opened: number;
}

export interface AdvancedOrder {
  id: string;
  orderType: 'TRAILING_STOP' | 'OCO' | 'BRACKET';
  symbol: string;
  positionId: string;
  status: 'ACTIVE' | 'TRIGGERED' | 'FILLED' | 'CANCELLED';
  stop: number;
  peak: number;
  takeProfit: number | null;
}

const Action = z.object({ action: z.string(), symbol: z.string().optional() });
const TriggerFault = z.object({ kind: z.literal('trigger-stop') });

const r2 = (n: number): number => Math.round(n * 100) / 100;
const pyIso = (ms: number): string => new Date(ms).toISOString().slice(0, 19);

export class RealtimeSim extends SimServer<ClientMeta> {
  readonly world: World;
  readonly account: SimAccount;
  private readonly o: Required<Omit<RealtimeSimOptions, 'port' | 'world' | 'maxConnectionAgeMs'>> & {
    maxConnectionAgeMs: number | null;
  };
  readonly rows = new Map<string, Row>();
  readonly orders = new Map<string, AdvancedOrder>();
  private timers: ReturnType<typeof setInterval>[] = [];
  private seq = 0;
  private rng: number;
  accepted = 0;
  peakConnections = 0;

  constructor(opts: RealtimeSimOptions = {}) {
    super({ name: 'realtime', wsPath: '/api/ws/realtime', port: opts.port });
    this.o = {
      positionsIntervalMs: opts.positionsIntervalMs ?? 1_000,
      portfolioIntervalMs: opts.portfolioIntervalMs ?? 2_000,
      marketIntervalMs: opts.marketIntervalMs ?? 500,
      monitorIntervalMs: opts.monitorIntervalMs ?? 1_000,
      openIntervalMs: opts.openIntervalMs ?? 4_000,
      trailPercent: opts.trailPercent ?? 0.2,
      seed: opts.seed ?? 5,
      maxConnectionAgeMs: opts.maxConnectionAgeMs ?? null,
    };
    this.rng = this.o.seed;
    this.world = opts.world ?? new World({ seed: this.o.seed, symbols: cryptoSymbols });
    this.account = this.world.account('ai-trader', { cash: 10_000 });
    // Fire the oldest active stop now, whatever the market did.
    this.defineFault('trigger-stop', TriggerFault, () => {
      const o = [...this.orders.values()].find((x) => x.status === 'ACTIVE');
      if (o !== undefined) this.fire(o, Date.now());
    });
  }

  protected override onStart(): void {
    this.timers = [
      setInterval(() => this.broadcast(this.positionFrame()), this.o.positionsIntervalMs),
      setInterval(() => this.broadcast(this.portfolioFrame()), this.o.portfolioIntervalMs),
      setInterval(() => this.market(), this.o.marketIntervalMs),
      setInterval(() => this.monitor(), this.o.monitorIntervalMs),
      setInterval(() => this.strategy(), this.o.openIntervalMs),
    ];
  }

  protected override onStop(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }

  protected override authorize(_req: IncomingMessage): Authorization<ClientMeta> {
    return { ok: true, meta: { tickers: new Set() } };
  }

  protected override onOpen(): void {
    this.accepted += 1;
    this.peakConnections = Math.max(this.peakConnections, this.connectionCount);
  }

  protected override onMessage(client: SimClient<ClientMeta>, data: Buffer, isBinary: boolean): void {
    let parsed: z.infer<typeof Action> | null = null;
    try {
      const r = Action.safeParse(isBinary ? null : JSON.parse(data.toString('utf8')));
      parsed = r.success ? r.data : null;
    } catch {
      // answered below
    }
    if (parsed === null) return this.sendTo(client, { type: 'ERROR', message: 'Invalid JSON' });
    const symbol = parsed.symbol?.toUpperCase();
    switch (parsed.action) {
      case 'subscribe_ticker':
        if (symbol === undefined || this.world.venue.spec(symbol) === undefined)
          return this.sendTo(client, { type: 'ERROR', message: `Invalid symbol: ${parsed.symbol ?? ''}` });
        client.meta.tickers.add(symbol);
        return this.sendTo(client, this.marketFrame(symbol, Date.now()));
      case 'unsubscribe_ticker':
        if (symbol !== undefined) client.meta.tickers.delete(symbol);
        return;
      case 'get_positions':
        return this.sendTo(client, this.positionFrame());
      case 'get_portfolio':
        return this.sendTo(client, this.portfolioFrame());
      default:
        return this.sendTo(client, { type: 'ERROR', message: `Unknown action: ${parsed.action}` });
    }
  }

  // ---- the server's behaviour ------------------------------------------------------------------

  private positionFrame(): Record<string, unknown> {
    const now = Date.now();
    this.world.advanceTo(now);
    const positions = [...this.rows.values()].map((r) => {
      const price = this.world.venue.price(r.symbol);
      return {
        id: r.id,
        symbol: r.symbol,
        type: r.type,
        quantity: r.quantity,
        entry_price: r.entry_price,
        current_price: r2(price),
        current_pnl: r2((price - r.entry_price) * r.quantity),
        timestamp: pyIso(r.opened),
        status: 'open',
      };
    });
    const age = this.o.maxConnectionAgeMs;
    if (age !== null)
      for (const c of this.clientsWhere((x) => now - x.openedAt >= age))
        c.ws.close(1001, 'Maximum connection age');
    return { type: 'POSITION_UPDATE', positions, timestamp: now };
  }

  private portfolioFrame(): Record<string, unknown> {
    let unrealized = 0;
    for (const r of this.rows.values())
      unrealized += (this.world.venue.price(r.symbol) - r.entry_price) * r.quantity;
    return {
      type: 'PORTFOLIO_UPDATE',
      portfolio: {
        balance: r2(this.account.cash),
        total_pnl: r2(unrealized + this.account.realized),
        positions_count: this.rows.size,
        realized_pnl: r2(this.account.realized),
      },
      timestamp: Date.now(),
    };
  }

  private marketFrame(symbol: string, now: number): Record<string, unknown> {
    const q = this.world.venue.quote(symbol);
    const open = this.world.venue.spec(symbol)?.startPrice ?? q.last;
    return {
      type: 'MARKET_UPDATE',
      symbol,
      price: r2(q.last),
      priceChange: r2(q.last - open),
      priceChangePercent: r2(((q.last - open) / open) * 100),
      high: r2(Math.max(open, q.last) * 1.001),
      low: r2(Math.min(open, q.last) * 0.999),
      volume: Math.round(12_345.67 * 100 + this.random() * 1000) / 100,
      timestamp: now,
    };
  }

  private market(): void {
    const now = Date.now();
    this.world.advanceTo(now);
    for (const c of this.clients.values())
      for (const s of c.meta.tickers) this.sendTo(c, this.marketFrame(s, now));
  }

  private strategy(): void {
    const now = Date.now();
    this.world.advanceTo(now);
    if (this.rows.size >= 6) return;
    const symbols = this.world.venue.symbols();
    const symbol = symbols[Math.floor(this.random() * symbols.length)] ?? 'BTCUSDT';
    const price = this.world.venue.price(symbol);
    const quantity = Math.round((200 / price) * 1e5) / 1e5;
    const order = this.account.place(symbol, { side: 'buy', type: 'market', qty: quantity }, now);
    if (order.filledQty <= 0) return;
    const row: Row = {
      id: `pos-${++this.seq}`,
      symbol,
      type: 'buy',
      quantity: order.filledQty,
      entry_price: r2(order.avgFillPrice ?? price),
      opened: now,
    };
    this.rows.set(row.id, row);
    const r = this.random();
    const orderType = r < 0.7 ? 'TRAILING_STOP' : r < 0.85 ? 'OCO' : 'BRACKET';
    const peak = this.world.venue.price(symbol);
    const adv: AdvancedOrder = {
      id: `order-${++this.seq}`,
      orderType,
      symbol,
      positionId: row.id,
      status: 'ACTIVE',
      peak,
      stop: r2(peak * (1 - this.o.trailPercent / 100)),
      takeProfit: orderType === 'TRAILING_STOP' ? null : r2(peak * 1.004),
    };
    this.orders.set(adv.id, adv);
    this.sendOrder(adv, now);
  }

  /** The order monitor: trail the stops, fire the exits, re-send every active order. */
  private monitor(): void {
    const now = Date.now();
    this.world.advanceTo(now);
    for (const o of this.orders.values()) {
      if (o.status !== 'ACTIVE') continue;
      const price = this.world.venue.price(o.symbol);
      if (o.orderType === 'TRAILING_STOP' && price > o.peak) {
        o.peak = price;
        o.stop = Math.max(o.stop, r2(price * (1 - this.o.trailPercent / 100)));
      }
      if (price <= o.stop || (o.takeProfit !== null && price >= o.takeProfit)) this.fire(o, now);
      else this.sendOrder(o, now);
    }
    // Finished orders are forgotten after a while (the seed keeps only what it monitors).
    for (const [id, o] of this.orders)
      if (o.status === 'FILLED' && this.orders.size > 20) this.orders.delete(id);
  }

  private fire(o: AdvancedOrder, now: number): void {
    o.status = 'TRIGGERED';
    this.sendOrder(o, now);
    const row = this.rows.get(o.positionId);
    if (row !== undefined) {
      this.account.place(o.symbol, { side: 'sell', type: 'market', qty: row.quantity }, now);
      this.rows.delete(row.id);
    }
    o.status = 'FILLED';
    this.sendOrder(o, now + 1);
  }

  private sendOrder(o: AdvancedOrder, now: number): void {
    this.broadcast({
      type: 'ORDER_UPDATE',
      orderType: o.orderType,
      order: {
        id: o.id,
        symbol: o.symbol,
        status: o.status,
        current_stop_price: o.stop,
        peak_price: r2(o.peak),
      },
      timestamp: now,
    });
  }

  private broadcast(frame: Record<string, unknown>): void {
    for (const c of this.clients.values()) this.sendTo(c, frame);
  }

  private sendTo(c: SimClient<ClientMeta>, frame: unknown): void {
    this.send(c, JSON.stringify(frame));
  }

  private random(): number {
    this.rng = (this.rng + 0x6d2b79f5) | 0;
    let t = this.rng;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}
