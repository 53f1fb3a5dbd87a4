/** The realtime adapter as a conformance subject, and a harness for its protocol tests (real sockets). */
import { RealtimeAdapter } from '../../../../../src/main/core/brokers/realtime/adapter';
import { RealtimeSim, type RealtimeSimOptions } from '../../../../../sim/realtime/server';
import {
  type AdapterSubject,
  conformanceHarness,
  type Harness as ConformanceHarness,
  type HarnessOptions as ConformanceHarnessOptions,
} from '../conformance';

export const fastSim: RealtimeSimOptions = {
  positionsIntervalMs: 50,
  portfolioIntervalMs: 100,
  marketIntervalMs: 50,
  monitorIntervalMs: 50,
  openIntervalMs: 80,
};

function subjectWith(simOptions: RealtimeSimOptions = {}, orderSettleMs = 0): AdapterSubject<RealtimeSim> {
  return {
    name: 'realtime',
    kind: 'realtime',
    createSim: (tuning) =>
      new RealtimeSim({
        ...fastSim,
        ...simOptions,
        ...(tuning.maxConnectionAgeMs === undefined ? {} : { maxConnectionAgeMs: tuning.maxConnectionAgeMs }),
      }),
    createAdapter: (_sim, t) =>
      new RealtimeAdapter({
        connectionId: 'realtime',
        label: 'Realtime',
        url: t.url,
        symbols: ['BTCUSDT'],
        // The tests' manual clocks would hold a settle window forever; the settle test sets one.
        orderSettleMs,
        heartbeatMs: t.heartbeatMs,
        ...(t.maxConnectionAgeMs === undefined ? {} : { maxConnectionAgeMs: t.maxConnectionAgeMs }),
        ...(t.maxPayloadBytes === undefined ? {} : { maxPayloadBytes: t.maxPayloadBytes }),
        logger: t.logger,
      }),
    stream: 'positions',
    cadenceMs: 50,
    reportsExchangeTime: true,
    expiredReason: 'unused',
    renewCredentials: () => undefined,
    skip: [
      // The documented (paper) version has no credentials to expire.
      'expire credentials',
      // Seed 004 streams positions, not executions: there are no fills to duplicate.
      'duplicate',
      // RTT comes from WebSocket pings the server's library answers outside the frame pipeline.
      'delay',
    ],
    // No afterReorder: whether a 6-frame burst holds two copies of one key is luck;
    // faults.test.ts drops an injected older copy deterministically.
  };
}

export const realtimeSubject = subjectWith();

export type Harness = ConformanceHarness<RealtimeSim>;

export interface HarnessOptions extends Omit<ConformanceHarnessOptions<RealtimeSim>, 'tuning'> {
  sim?: RealtimeSimOptions;
  orderSettleMs?: number;
}

export async function harness(o: HarnessOptions = {}): Promise<Harness> {
  const { sim, orderSettleMs, ...rest } = o;
  const subject = subjectWith(sim, orderSettleMs);
  if (rest.existing !== undefined) return conformanceHarness(subject, rest);
  return conformanceHarness(subject, {
    ...rest,
    existing: new RealtimeSim({ ...fastSim, ...sim }),
    ownsSim: true,
  });
}
