/**
 * The demo-exchange adapter as a conformance subject: the real adapter under a real Supervisor
 * against the demo exchange's trading endpoint on loopback, its market endpoint beside it (one
 * world), and a steady trader in that world so fills keep coming.
 */
import { expect } from 'vitest';
import {
  DemoMarketServer,
  DemoTradingServer,
  DEMO_PASSWORD,
  DEMO_USER,
} from '../../../../../sim/demo-exchange';
import type { SimAddress } from '../../../../../sim/base';
import { World } from '../../../../../sim/world';
import { DemoExchangeAdapter } from '../../../../../src/main/core/brokers/demo-exchange/adapter';
import type { AdapterSubject, SimTuning } from '../conformance';

/** The account stream's cadence in the simulator (the suite's `cadenceMs`). */
const ACCOUNT_EVERY_MS = 50;

/**
 * The trading endpoint as the suite's one `ConformanceSim`; starting and stopping it takes the
 * market endpoint, the world's clock and the trader along (a restarted exchange is all of it).
 */
export class ConformanceExchange extends DemoTradingServer {
  readonly market: DemoMarketServer;
  private trader: ReturnType<typeof setInterval> | null = null;
  private side: 'buy' | 'sell' = 'buy';

  constructor(
    readonly exchange: World,
    tuning: SimTuning,
  ) {
    super(exchange, {
      accountEveryMs: ACCOUNT_EVERY_MS,
      ...(tuning.maxConnectionAgeMs === undefined ? {} : { maxConnectionAgeMs: tuning.maxConnectionAgeMs }),
    });
    this.market = new DemoMarketServer(exchange, { heartbeatMs: 200 });
  }

  override async start(): Promise<SimAddress> {
    await this.market.start();
    this.exchange.startClock();
    const address = await super.start();
    // One market order every 100 ms, alternating sides: orders, fills and positions keep moving.
    this.trader ??= setInterval(() => {
      this.side = this.side === 'buy' ? 'sell' : 'buy';
      this.exchange.account(DEMO_USER).place(
        'AAPL',
        {
          side: this.side,
          type: 'market',
          qty: 1,
          limitPrice: null,
          stopPrice: null,
          tif: 'gtc',
          trail: null,
        },
        this.exchange.now(),
      );
    }, 100);
    return address;
  }

  override async stop(): Promise<void> {
    if (this.trader !== null) clearInterval(this.trader);
    this.trader = null;
    this.exchange.stopClock();
    await super.stop();
    await this.market.stop();
  }

  /** The subscribable market-data socket. */
  get marketUrl(): string {
    const url = this.market.address().urls.find((u) => u.endsWith('/ws/market'));
    if (url === undefined) throw new Error('no /ws/market path');
    return url;
  }
}

export const demoExchangeSubject: AdapterSubject<ConformanceExchange> = {
  name: 'demo-exchange',
  kind: 'demo-exchange',
  createSim: (tuning) => new ConformanceExchange(new World({ seed: 7 }), tuning),
  createAdapter: (sim, t) =>
    new DemoExchangeAdapter({
      connectionId: 'demo',
      label: 'Demo exchange',
      url: t.url,
      marketUrl: sim.marketUrl,
      restUrl: `${sim.address().httpUrl}/api`,
      user: DEMO_USER,
      password: DEMO_PASSWORD,
      interest: () => new Set(['AAPL']),
      heartbeatMs: t.heartbeatMs,
      ...(t.maxConnectionAgeMs === undefined ? {} : { maxConnectionAgeMs: t.maxConnectionAgeMs }),
      ...(t.maxPayloadBytes === undefined ? {} : { maxPayloadBytes: t.maxPayloadBytes }),
      logger: t.logger,
    }),
  stream: 'account',
  cadenceMs: ACCOUNT_EVERY_MS,
  reportsExchangeTime: true,
  expiredReason: 'Session expired',
  // The password outlives the revoked tokens: the next login issues a fresh one.
  renewCredentials: () => undefined,
  afterReorder: (x) =>
    expect(x.logger.lines.some((l) => l.msg === 'out-of-order updates dropped')).toBe(true),
};
