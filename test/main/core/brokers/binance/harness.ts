/**
 * The Binance adapter as a conformance subject, and a harness for its own protocol tests: the real
 * adapter under a real Supervisor against the real simulator (streams + WebSocket API + REST) on
 * loopback.
 */
import {
  BinanceAdapter,
  type BinanceLinkOptions,
} from '../../../../../src/main/core/brokers/binance/adapter';
import {
  BinanceSim,
  type BinanceSimOptions,
  DEMO_API_KEY,
  DEMO_API_SECRET,
} from '../../../../../sim/binance';
import {
  type AdapterSubject,
  type AdapterTuning,
  conformanceHarness,
  type Harness as ConformanceHarness,
  type HarnessOptions as ConformanceHarnessOptions,
} from '../conformance';

/** Quotes flow steadily (book changes every 50 ms) and a market order fills every 150 ms. */
export function simFor(
  tuning: { maxConnectionAgeMs?: number } = {},
  extra: BinanceSimOptions = {},
): BinanceSim {
  const age = tuning.maxConnectionAgeMs;
  return new BinanceSim({
    world: { tickMs: 50 },
    autoTradeMs: 150,
    ...extra,
    api: { ...(age === undefined ? {} : { maxConnectionAgeMs: age }), ...extra.api },
    streams: {
      bookUpdateMs: 50,
      ...(age === undefined ? {} : { maxConnectionAgeMs: age }),
      ...extra.streams,
    },
  });
}

export function adapterFor(
  sim: BinanceSim,
  t: Pick<AdapterTuning, 'logger'> & Partial<AdapterTuning>,
  extra: Partial<BinanceLinkOptions> = {},
): BinanceAdapter {
  return new BinanceAdapter({
    connectionId: 'bn',
    label: 'Binance Spot',
    urls: sim.urls(),
    apiKey: DEMO_API_KEY,
    apiSecret: DEMO_API_SECRET,
    symbols: ['BTCUSDT'],
    ...(t.heartbeatMs === undefined
      ? {}
      : { heartbeat: { keepaliveMs: null, silenceMs: 2 * t.heartbeatMs, probeMs: t.heartbeatMs } }),
    ...(t.maxConnectionAgeMs === undefined ? {} : { maxConnectionAgeMs: t.maxConnectionAgeMs }),
    ...(t.maxPayloadBytes === undefined ? {} : { maxPayloadBytes: t.maxPayloadBytes }),
    logger: t.logger,
    ...extra,
  });
}

export const binanceSubject: AdapterSubject<BinanceSim> = {
  name: 'binance',
  kind: 'binance',
  createSim: (tuning) => simFor(tuning),
  createAdapter: (sim, t) => adapterFor(sim, t),
  stream: 'quotes',
  cadenceMs: 50,
  reportsExchangeTime: true,
  expiredReason: /Invalid API-key/,
  renewCredentials: (sim) => sim.api.restoreKeys(),
};

export type Harness = ConformanceHarness<BinanceSim>;

export interface HarnessOptions extends Omit<ConformanceHarnessOptions<BinanceSim>, 'tuning'> {
  sim?: BinanceSimOptions;
  adapter?: Partial<BinanceLinkOptions>;
}

export async function harness(o: HarnessOptions = {}): Promise<Harness> {
  const { sim, adapter, ...rest } = o;
  const subject: AdapterSubject<BinanceSim> =
    adapter === undefined
      ? binanceSubject
      : { ...binanceSubject, createAdapter: (s, t) => adapterFor(s, t, adapter) };
  if (rest.existing !== undefined) return conformanceHarness(subject, rest);
  return conformanceHarness(subject, { ...rest, existing: simFor({}, sim), ownsSim: true });
}
