/**
 * The orders-relay adapter as a conformance subject, and a harness for its own protocol tests:
 * the real two-socket adapter under a real Supervisor against the real relay simulator on loopback.
 */
import { OrdersRelayAdapter } from '../../../../../src/main/core/brokers/orders-relay/adapter';
import {
  DEMO_ACCOUNT,
  DEMO_TOKEN,
  OrdersRelaySim,
  type OrdersRelaySimOptions,
} from '../../../../../sim/orders-relay/server';
import {
  type AdapterSubject,
  conformanceHarness,
  type Harness as ConformanceHarness,
  type HarnessOptions as ConformanceHarnessOptions,
} from '../conformance';

export const fastSim: OrdersRelaySimOptions = {
  heartbeatMs: 200,
  positionsIntervalMs: 50,
  tradeIntervalMs: 60,
  pingMs: 0,
};

function subjectWith(token: string, simOptions: OrdersRelaySimOptions = {}): AdapterSubject<OrdersRelaySim> {
  return {
    name: 'orders-relay',
    kind: 'orders-relay',
    createSim: (tuning) =>
      new OrdersRelaySim({
        ...fastSim,
        ...simOptions,
        ...(tuning.maxConnectionAgeMs === undefined
          ? {}
          : { maxConnectionAgeMs: tuning.maxConnectionAgeMs, goAwayGraceMs: 100 }),
      }),
    createAdapter: (sim, t) => {
      const [orders, positions] = sim.address().urls;
      return new OrdersRelayAdapter({
        connectionId: 'relay',
        label: 'Orders relay',
        ordersUrl: orders ?? t.url,
        positionsUrl: positions ?? t.url,
        token,
        heartbeatMs: t.heartbeatMs,
        ...(t.maxConnectionAgeMs === undefined ? {} : { maxConnectionAgeMs: t.maxConnectionAgeMs }),
        ...(t.maxPayloadBytes === undefined ? {} : { maxPayloadBytes: t.maxPayloadBytes }),
        logger: t.logger,
      });
    },
    stream: 'positions',
    cadenceMs: 50,
    reportsExchangeTime: true,
    expiredReason: 'Authentication required',
    renewCredentials: (sim) => sim.addToken(DEMO_TOKEN, DEMO_ACCOUNT),
    skip: [
      // The RTT probe is a WebSocket ping; the relay's ws library answers it itself, outside the
      // simulator's frame pipeline, so the delay fault cannot hold the pong (lag is still measured
      // from positions' timestamps, see faults.test.ts).
      'delay',
      // Two sockets per link: three refused upgrades can be spent in two attempts, so the row's
      // attempt count does not hold; faults.test.ts covers refusal for this kind.
      'refuse',
    ],
    // No afterReorder: whether a 6-frame burst holds two copies of one key is luck;
    // faults.test.ts drops an injected older copy deterministically.
  };
}

export const ordersRelaySubject = subjectWith(DEMO_TOKEN);

export type Harness = ConformanceHarness<OrdersRelaySim>;

export interface HarnessOptions extends Omit<ConformanceHarnessOptions<OrdersRelaySim>, 'tuning'> {
  sim?: OrdersRelaySimOptions;
  token?: string;
}

export async function harness(o: HarnessOptions = {}): Promise<Harness> {
  const { sim, token, ...rest } = o;
  const subject = subjectWith(token ?? DEMO_TOKEN, sim);
  if (rest.existing !== undefined) return conformanceHarness(subject, rest);
  return conformanceHarness(subject, {
    ...rest,
    existing: new OrdersRelaySim({ ...fastSim, ...sim }),
    ownsSim: true,
  });
}
