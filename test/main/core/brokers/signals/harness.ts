/** The signals adapter as a conformance subject, and a harness for its protocol tests (real sockets). */
import { SignalsAdapter } from '../../../../../src/main/core/brokers/signals/adapter';
import { SignalsSim, type SignalsSimOptions } from '../../../../../sim/signals/server';
import {
  type AdapterSubject,
  conformanceHarness,
  type Harness as ConformanceHarness,
  type HarnessOptions as ConformanceHarnessOptions,
} from '../conformance';

export const fastSim: SignalsSimOptions = {
  priceIntervalMs: 50,
  portfolioIntervalMs: 50,
  signalIntervalMs: 60,
};

function subjectWith(
  simOptions: SignalsSimOptions = {},
  clientId = 'terminal-1',
): AdapterSubject<SignalsSim> {
  return {
    name: 'signals',
    kind: 'signals',
    createSim: (tuning) =>
      new SignalsSim({
        ...fastSim,
        ...simOptions,
        ...(tuning.maxConnectionAgeMs === undefined ? {} : { maxConnectionAgeMs: tuning.maxConnectionAgeMs }),
      }),
    createAdapter: (_sim, t) =>
      new SignalsAdapter({
        connectionId: 'signals',
        label: 'Signals',
        url: t.url,
        clientId,
        heartbeatMs: t.heartbeatMs,
        ...(t.maxConnectionAgeMs === undefined ? {} : { maxConnectionAgeMs: t.maxConnectionAgeMs }),
        ...(t.maxPayloadBytes === undefined ? {} : { maxPayloadBytes: t.maxPayloadBytes }),
        logger: t.logger,
      }),
    stream: 'prices',
    cadenceMs: 50,
    reportsExchangeTime: true,
    expiredReason: 'unused',
    renewCredentials: () => undefined,
    skip: [
      // Seed 003 has no credentials to expire.
      'expire credentials',
    ],
    // No afterReorder: the four `subscribe` replies of a first-phase server can fill the whole
    // burst right after live; faults.test.ts checks the drop once the link has settled.
  };
}

export const signalsSubject = subjectWith();

export type Harness = ConformanceHarness<SignalsSim>;

export interface HarnessOptions extends Omit<ConformanceHarnessOptions<SignalsSim>, 'tuning'> {
  sim?: SignalsSimOptions;
  clientId?: string;
}

export async function harness(o: HarnessOptions = {}): Promise<Harness> {
  const { sim, clientId, ...rest } = o;
  const subject = subjectWith(sim, clientId);
  if (rest.existing !== undefined) return conformanceHarness(subject, rest);
  return conformanceHarness(subject, {
    ...rest,
    existing: new SignalsSim({ ...fastSim, ...sim }),
    ownsSim: true,
  });
}
