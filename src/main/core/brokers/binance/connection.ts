/**
 * A Binance Spot account as an engine `Connection`: the kit's supervised connection around the
 * adapter, order routes over the WebSocket API, subscriptions from `setInterest`, chart history
 * from REST klines, and the weight headroom the terminal keeps below Binance's limits.
 */
import { z } from 'zod';
import type { Bar, Timeframe } from '../../../../shared/domain';
import {
  UnsupportedTimeframe,
  type Capabilities,
  type OrderAck,
  type OrderListAck,
  type PlaceOrderList,
} from '../../connection';
import { httpUrl, socketUrl, supervisorConfigFields, supervisorOptionsFrom } from '../../supervisor/config';
import { type ConnectionDeps, SupervisedConnection } from '../kit/connection';
import { BinanceAdapter } from './adapter';
import { Klines } from './messages';
import { binanceOrders, type BinanceOrderRoutes, type BracketRequest, type OcoRequest } from './orders';
import { fromUnits, toUnits } from './units';
import type { Headroom } from './weights';

export type { ConnectionDeps };

export const BinanceConfig = z.object({
  kind: z.literal('binance'),
  id: z.string().min(1),
  label: z.string().optional(),
  /** demo = Spot Testnet, live = production. */
  mode: z.enum(['paper', 'demo', 'live']).default('demo'),
  urls: z.object({
    rest: httpUrl,
    stream: socketUrl,
    wsApi: socketUrl,
  }),
  apiKey: z.string().min(1),
  apiSecret: z.string().min(1),
  /** Cash is this asset; every other asset held is a position in `<ASSET><quoteAsset>`. */
  quoteAsset: z
    .string()
    .regex(/^[A-Z0-9]{2,10}$/, 'an asset code such as USDT')
    .default('USDT'),
  /** How long a signed request stays valid at Binance (ms, at most 60000). */
  recvWindow: z.number().int().positive().max(60_000).default(5000),
  /** Streamed from the start, before the terminal says what it watches. */
  symbols: z.array(z.string().min(1)).optional(),
  ...supervisorConfigFields,
});
export type BinanceConfig = z.input<typeof BinanceConfig>;

const capabilities: Capabilities = {
  trading: true,
  // No in-place modify on Spot (cancelReplace is a cancel plus a new order): the desk re-places.
  modify: false,
  nativeOco: true,
  nativeTrailingStop: true,
  nativeBracket: true,
  snapshotResync: true,
  history: true,
  // Partial book depth (20 levels, 100 ms) for symbols a ladder watches.
  depth: true,
};

// Binance klines have 1s but no 5s/15s: those are refused rather than served as another length.
const INTERVAL: Record<Timeframe, string | undefined> = {
  '5s': undefined,
  '15s': undefined,
  '1m': '1m',
  '5m': '5m',
  '15m': '15m',
  '1h': '1h',
  '4h': '4h',
  '1D': '1d',
};

export class BinanceConnection extends SupervisedConnection {
  readonly adapter: BinanceAdapter;
  private readonly binanceRoutes: BinanceOrderRoutes;

  constructor(input: BinanceConfig, deps: ConnectionDeps = {}) {
    const config = BinanceConfig.parse(input);
    const label = config.label ?? `Binance Spot (${config.mode === 'live' ? 'live' : 'testnet'})`;
    let adapter: BinanceAdapter | null = null;
    let routes: BinanceOrderRoutes | null = null;
    super(
      {
        id: config.id,
        kind: 'binance',
        label,
        mode: config.mode,
        capabilities,
        secrets: [config.apiKey, config.apiSecret],
        adapter: (logger) =>
          (adapter = new BinanceAdapter({
            connectionId: config.id,
            label,
            urls: config.urls,
            apiKey: config.apiKey,
            apiSecret: config.apiSecret,
            quoteAsset: config.quoteAsset,
            recvWindow: config.recvWindow,
            ...(config.symbols === undefined ? {} : { symbols: config.symbols }),
            ...(config.maxConnectionAgeMs === undefined
              ? {}
              : { maxConnectionAgeMs: config.maxConnectionAgeMs }),
            ...(deps.clock === undefined ? {} : { now: () => deps.clock?.now() ?? Date.now() }),
            logger,
          })),
        orders: (channel) => {
          const a = adapter;
          if (a === null) throw new Error('binance: adapter not built');
          routes = binanceOrders(channel, a.state, (s) => a.lastPrice(s));
          return routes;
        },
        setInterest: (symbols) => adapter?.setInterest(symbols),
        setDepthInterest: (symbols) => adapter?.setDepthInterest(symbols),
        supervisor: supervisorOptionsFrom(config, 'quotes'),
      },
      deps,
    );
    if (adapter === null || routes === null) throw new Error('binance: connection not built');
    this.adapter = adapter;
    this.binanceRoutes = routes;
  }

  /** Native OCO (`orderList.place.oco`): a LIMIT_MAKER target and a stop-loss, one cancelling the other. */
  placeOco(req: OcoRequest): Promise<OrderAck> {
    return this.binanceRoutes.placeOco(req);
  }

  /** Native bracket (`orderList.place.otoco`): a limit entry whose fill places an OCO exit pair. */
  placeBracket(req: BracketRequest): Promise<OrderAck> {
    return this.binanceRoutes.placeBracket(req);
  }

  /** The protection engine's native OCO pairs and brackets (`orderList.place.oco` / `.otoco`). */
  placeOrderList(list: PlaceOrderList): Promise<OrderListAck> {
    return this.binanceRoutes.placeOrderList(list);
  }

  /** Request weight used this minute and any 429/418 wait: the terminal slows itself before Binance does. */
  headroom(): Headroom {
    return this.adapter.headroom();
  }

  history(symbol: string, timeframe: Timeframe, count: number): Promise<Bar[]> {
    return this.klines(symbol, timeframe, count);
  }

  /** `endTime` is inclusive of a kline's open time, hence `before - 1`. */
  historyBefore(symbol: string, timeframe: Timeframe, before: number, count: number): Promise<Bar[]> {
    return this.klines(symbol, timeframe, count, before - 1);
  }

  private async klines(
    symbol: string,
    timeframe: Timeframe,
    count: number,
    endTime?: number,
  ): Promise<Bar[]> {
    const interval = INTERVAL[timeframe];
    if (interval === undefined) throw new UnsupportedTimeframe(timeframe);
    const limit = Math.max(1, Math.min(1000, Math.floor(count)));
    const query: Record<string, string | number> = { symbol, interval, limit };
    if (endTime !== undefined) query.endTime = endTime;
    const raw = Klines.parse(await this.adapter.state.rest.get('klines', query, 2));
    return raw.map((k) => ({
      time: k[0],
      open: fromUnits(toUnits(k[1])),
      high: fromUnits(toUnits(k[2])),
      low: fromUnits(toUnits(k[3])),
      close: fromUnits(toUnits(k[4])),
      volume: fromUnits(toUnits(k[5])),
    }));
  }
}
