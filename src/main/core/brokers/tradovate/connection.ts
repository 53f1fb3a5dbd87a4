/**
 * A Tradovate account as an engine `Connection`: the kit's supervised connection around the
 * two-socket link, Tradovate order routes (broker-held OCO, brackets and trailing stops), quote
 * subscriptions from the terminal's interest, and chart history through `md/getChart`.
 *
 * The protection engine reaches the broker-held lists through `placeOrderList`, which sends an OCO
 * pair as `placeoco` and a bracket as `placeoso` (the kit's `OrderRoutes` has single orders only).
 */
import { z } from 'zod';
import type { Bar, Capabilities, Timeframe } from '../../../../shared/domain';
import { timeframeMs } from '../../../../shared/domain';
import {
  UnsupportedTimeframe,
  type OrderAck,
  type OrderListAck,
  type PlaceOrder,
  type PlaceOrderList,
} from '../../connection';
import { httpUrl, socketUrl, supervisorConfigFields, supervisorOptionsFrom } from '../../supervisor/config';
import { type ConnectionDeps, type OrderChannel, SupervisedConnection } from '../kit/connection';
import { TradovateAdapter, type TradovateState } from './adapter';
import { type ListLeg, type TradovateOrderRoutes, tradovateOrderRoutes } from './orders';
import { TradovateSession } from './session';
import { TradovateStore } from './store';

export type { ConnectionDeps };

export const TradovateConfig = z.object({
  kind: z.literal('tradovate'),
  id: z.string().min(1),
  label: z.string().optional(),
  mode: z.enum(['paper', 'demo', 'live']),
  urls: z.object({ rest: httpUrl, trading: socketUrl, marketData: socketUrl }),
  username: z.string().min(1),
  password: z.string().min(1),
  appId: z.string().min(1),
  appVersion: z.string().min(1).default('1.0'),
  cid: z.string().min(1),
  sec: z.string().min(1),
  deviceId: z.string().max(64).optional(),
  /** Frames above this size close the socket (1009). */
  maxPayloadBytes: z.number().int().positive().optional(),
  ...supervisorConfigFields,
});
export type TradovateConfig = z.input<typeof TradovateConfig>;

const capabilities: Capabilities = {
  trading: true,
  modify: true,
  // Held at Tradovate's servers: placeoco, placeoso, TrailingStop orders.
  nativeOco: true,
  nativeTrailingStop: true,
  nativeBracket: true,
  snapshotResync: true,
  history: true,
  // The gateway's simulator sends no DOM data: the ladder shows sizes at the touch only.
  depth: false,
};

export class TradovateConnection extends SupervisedConnection {
  readonly state: TradovateState;
  readonly session: TradovateSession;
  private orderRoutes: TradovateOrderRoutes | null = null;
  private channel: OrderChannel | null = null;

  constructor(input: TradovateConfig, deps: ConnectionDeps = {}) {
    const config = TradovateConfig.parse(input);
    const label = config.label ?? `Tradovate ${config.mode} (${config.username})`;
    let holder: { state: TradovateState; session: TradovateSession } | null = null;
    let routesOut: TradovateOrderRoutes | null = null;
    let channelOut: OrderChannel | null = null;
    super(
      {
        id: config.id,
        kind: 'tradovate',
        label,
        mode: config.mode,
        capabilities,
        secrets: [config.password, config.sec],
        adapter: (logger) => {
          const session = new TradovateSession({
            restUrl: config.urls.rest,
            connectionId: config.id,
            logger,
            credentials: {
              name: config.username,
              password: config.password,
              appId: config.appId,
              appVersion: config.appVersion,
              cid: config.cid,
              sec: config.sec,
              ...(config.deviceId === undefined ? {} : { deviceId: config.deviceId }),
            },
          });
          const state: TradovateState = {
            store: new TradovateStore(config.id, logger),
            interest: new Set(),
            quoted: new Set(),
          };
          holder = { state, session };
          return new TradovateAdapter({
            connectionId: config.id,
            label,
            tradingUrl: config.urls.trading,
            marketDataUrl: config.urls.marketData,
            session,
            state,
            ...(config.heartbeatMs === undefined ? {} : { heartbeatMs: config.heartbeatMs }),
            ...(config.maxPayloadBytes === undefined ? {} : { maxPayloadBytes: config.maxPayloadBytes }),
            logger,
          });
        },
        supervisor: supervisorOptionsFrom(config, 'quotes'),
        orders: (channel) => {
          if (holder === null) throw new Error('adapter is built before the order routes');
          channelOut = channel;
          routesOut = tradovateOrderRoutes(channel, holder.state);
          return routesOut;
        },
        setInterest: (symbols, channel) => this.interest(symbols, channel),
      },
      deps,
    );
    const h = holder as { state: TradovateState; session: TradovateSession } | null;
    if (h === null) throw new Error('adapter was not built');
    this.state = h.state;
    this.session = h.session;
    this.orderRoutes = routesOut;
    this.channel = channelOut;
  }

  /** An OCO pair held at Tradovate (`order/placeoco`). */
  placeOco(first: PlaceOrder, other: ListLeg): Promise<OrderAck & { listId?: string }> {
    return this.listRoutes().placeOco(first, other);
  }

  /** An entry with its exits held at Tradovate (`order/placeoso`). */
  placeBracket(entry: PlaceOrder, exits: { takeProfit?: ListLeg; stopLoss?: ListLeg }): Promise<OrderAck> {
    return this.listRoutes().placeBracket(entry, exits);
  }

  /**
   * The protection engine's native lists, each order under the client order id the engine derived
   * (Tradovate echoes it as `clOrdId`, so the children are recognised on the stream).
   */
  async placeOrderList(list: PlaceOrderList): Promise<OrderListAck> {
    const leg = (o: PlaceOrderList['orders'][number]): ListLeg => ({
      side: o.side,
      type: o.type,
      clientOrderId: o.clientOrderId,
      ...(o.limitPrice === undefined ? {} : { limitPrice: o.limitPrice }),
      ...(o.stopPrice === undefined ? {} : { stopPrice: o.stopPrice }),
      ...(o.trail === undefined ? {} : { trail: o.trail }),
    });
    let ack: OrderAck;
    if (list.type === 'oco') {
      const [first, other] = list.orders;
      if (first === undefined || other === undefined || list.orders.length !== 2)
        return { status: 'rejected', code: 'invalid', reason: 'An OCO is exactly two orders.' };
      ack = await this.placeOco(first, leg(other));
    } else {
      const entry = list.orders.find((o) => o.role === 'entry');
      const target = list.orders.find((o) => o.role === 'target');
      const stop = list.orders.find((o) => o.role === 'stop');
      if (entry === undefined)
        return { status: 'rejected', code: 'invalid', reason: 'A bracket needs an entry order.' };
      ack = await this.placeBracket(entry, {
        ...(target === undefined ? {} : { takeProfit: leg(target) }),
        ...(stop === undefined ? {} : { stopLoss: leg(stop) }),
      });
    }
    if (ack.status !== 'accepted') return ack;
    // Tradovate answers with ids only; what the stream has already told us rides along.
    const store = this.state.store;
    const orders = list.orders
      .map((o) => {
        const id = store.orderIdOfClientId(o.clientOrderId);
        return id === undefined ? null : store.orderView(id);
      })
      .filter((o) => o !== null);
    return { status: 'accepted', orders };
  }

  /** Minute (or daily) bars from `md/getChart` (the history ends at `eoh`), oldest first. */
  history(symbol: string, timeframe: Timeframe, count: number): Promise<Bar[]> {
    return this.chart(symbol, timeframe, count);
  }

  /** Older bars: `closestTimestamp` ends the range; a bar at `before` itself is dropped. */
  async historyBefore(symbol: string, timeframe: Timeframe, before: number, count: number): Promise<Bar[]> {
    const bars = await this.chart(symbol, timeframe, count, new Date(before - 1).toISOString());
    return bars.filter((b) => b.time < before);
  }

  private async chart(symbol: string, timeframe: Timeframe, count: number, closest?: string): Promise<Bar[]> {
    const channel = this.channel;
    if (channel === null) throw new Error('no channel');
    const ms = timeframeMs[timeframe];
    // getChart has minute and daily bars; seconds would need tick charts we do not build here.
    if (ms < 60_000) throw new UnsupportedTimeframe(timeframe);
    const daily = ms % 86_400_000 === 0;
    const bars = await channel.request(
      'md/getChart',
      {
        symbol,
        chartDescription: {
          underlyingType: daily ? 'DailyBar' : 'MinuteBar',
          elementSize: daily ? ms / 86_400_000 : ms / 60_000,
          elementSizeUnit: 'UnderlyingUnits',
          withHistogram: false,
        },
        timeRange:
          closest === undefined
            ? { asMuchAsElements: count }
            : { asMuchAsElements: count, closestTimestamp: closest },
      },
      { timeoutMs: 15_000 },
    );
    return (bars as Bar[]).slice(-count);
  }

  private listRoutes(): TradovateOrderRoutes {
    if (this.orderRoutes === null) throw new Error('no order routes');
    return this.orderRoutes;
  }

  /** Quote what the terminal needs (plus whatever is held); unsubscribe what it no longer does. */
  private interest(symbols: ReadonlySet<string>, channel: OrderChannel): void {
    const state = this.state;
    state.interest = new Set(symbols);
    const held = state.store.heldSymbols;
    for (const s of symbols) {
      if (state.quoted.has(s)) continue;
      const known = state.store.contractIdOf(s) !== undefined;
      // Unknown symbols are described first (quotes carry only a contract id).
      const first = known
        ? Promise.resolve()
        : channel
            .request(`contract/find?name=${encodeURIComponent(s)}`, undefined)
            .then((c) => void state.store.apply('contract', 'Created', c));
      first
        .then(() => channel.request('md/subscribeQuote', { symbol: s }))
        .catch(() => undefined /* the next resync subscribes again */);
    }
    for (const s of [...state.quoted])
      if (!symbols.has(s) && !held.has(s))
        channel.request('md/unsubscribeQuote', { symbol: s }).catch(() => undefined);
  }
}
