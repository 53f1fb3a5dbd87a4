/**
 * The portfolio-stream adapter as a conformance subject, and a harness for its own protocol tests:
 * the real adapter under a real Supervisor against the real simulator on loopback.
 */
import { expect } from 'vitest';
import { PortfolioStreamAdapter } from '../../../../../src/main/core/brokers/portfolio-stream/adapter';
import {
  DEMO_SESSION,
  DEMO_USER,
  PortfolioStreamSim,
  type PortfolioStreamSimOptions,
} from '../../../../../sim/portfolio-stream/server';
import {
  type AdapterSubject,
  conformanceHarness,
  type Harness as ConformanceHarness,
  type HarnessOptions as ConformanceHarnessOptions,
} from '../conformance';

function subjectWith(cookie: string): AdapterSubject<PortfolioStreamSim> {
  return {
    name: 'portfolio-stream',
    kind: 'portfolio-stream',
    createSim: (tuning) =>
      new PortfolioStreamSim({
        batchIntervalMs: 50,
        ...(tuning.maxConnectionAgeMs === undefined ? {} : { maxConnectionAgeMs: tuning.maxConnectionAgeMs }),
      }),
    createAdapter: (_sim, t) =>
      new PortfolioStreamAdapter({
        connectionId: 'ps',
        label: 'Portfolio stream',
        url: t.url,
        sessionCookie: cookie,
        heartbeatMs: t.heartbeatMs,
        ...(t.maxConnectionAgeMs === undefined ? {} : { maxConnectionAgeMs: t.maxConnectionAgeMs }),
        ...(t.maxPayloadBytes === undefined ? {} : { maxPayloadBytes: t.maxPayloadBytes }),
        logger: t.logger,
      }),
    stream: 'portfolio',
    cadenceMs: 50,
    reportsExchangeTime: true,
    expiredReason: 'Authentication required',
    renewCredentials: (sim) => sim.addSession(DEMO_SESSION, DEMO_USER),
    afterReorder: (x) =>
      expect(x.logger.lines.some((l) => l.msg === 'out-of-order updates dropped')).toBe(true),
  };
}

export const portfolioStreamSubject = subjectWith(DEMO_SESSION);

export type Harness = ConformanceHarness<PortfolioStreamSim>;

export interface HarnessOptions extends Omit<ConformanceHarnessOptions<PortfolioStreamSim>, 'tuning'> {
  /** Options of a new simulator (ignored with `existing`). */
  sim?: PortfolioStreamSimOptions;
  cookie?: string;
}

export async function harness(o: HarnessOptions = {}): Promise<Harness> {
  const { sim, cookie, ...rest } = o;
  const subject = cookie === undefined ? portfolioStreamSubject : subjectWith(cookie);
  if (rest.existing !== undefined) return conformanceHarness(subject, rest);
  return conformanceHarness(subject, {
    ...rest,
    existing: new PortfolioStreamSim({ batchIntervalMs: 50, ...sim }),
    ownsSim: true,
  });
}
