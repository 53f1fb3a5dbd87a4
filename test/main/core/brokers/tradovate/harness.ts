/**
 * The Tradovate adapter as a conformance subject, and a harness for its own protocol tests: the
 * real two-socket adapter (with its real token session over REST) under a real Supervisor against
 * the real simulator on loopback.
 */
import pino from 'pino';
import {
  type TradovateConfig,
  TradovateConnection,
} from '../../../../../src/main/core/brokers/tradovate/connection';
import type { ConnectionEvent } from '../../../../../src/main/core/connection';
import { Ledger } from '../../../../../src/main/core/ledger';
import type { Clock } from '../../../../../src/main/core/supervisor/clock';
import { until } from '../../supervisor/support';
import {
  TradovateAdapter,
  type TradovateState,
} from '../../../../../src/main/core/brokers/tradovate/adapter';
import { TradovateSession } from '../../../../../src/main/core/brokers/tradovate/session';
import { TradovateStore } from '../../../../../src/main/core/brokers/tradovate/store';
import type { SupervisorLogger } from '../../../../../src/main/core/supervisor/supervisor';
import {
  TRADOVATE_APP_ID,
  TRADOVATE_CID,
  TRADOVATE_PASSWORD,
  TRADOVATE_SEC,
  TRADOVATE_USER,
  TradovateSim,
  type TradovateSimOptions,
} from '../../../../../sim/tradovate';
import type { AdapterSubject } from '../conformance';

/** Endpoints of a running simulator, as a Tradovate config names them. */
export function simUrls(sim: TradovateSim): { rest: string; trading: string; marketData: string } {
  const a = sim.address();
  return {
    rest: `${a.httpUrl}/v1`,
    trading: a.urls[0] ?? a.url,
    marketData: a.urls[1] ?? a.url,
  };
}

export const credentials = {
  name: TRADOVATE_USER,
  password: TRADOVATE_PASSWORD,
  appId: TRADOVATE_APP_ID,
  appVersion: '1.0',
  cid: TRADOVATE_CID,
  sec: TRADOVATE_SEC,
  deviceId: 'peregrine-test-device',
};

/** What a test reaches into besides the supervisor: the shared state and the token session. */
export interface TradovateParts {
  state: TradovateState;
  session: TradovateSession;
}

export function buildAdapter(
  sim: TradovateSim,
  t: { heartbeatMs: number; maxPayloadBytes?: number; logger: SupervisorLogger },
  parts: { current: TradovateParts | null },
  password = TRADOVATE_PASSWORD,
): TradovateAdapter {
  const urls = simUrls(sim);
  const session = new TradovateSession({
    restUrl: urls.rest,
    connectionId: 'tdv',
    logger: t.logger,
    credentials: { ...credentials, password },
  });
  const state: TradovateState = {
    store: new TradovateStore('tdv', t.logger),
    interest: new Set(),
    quoted: new Set(),
  };
  parts.current = { state, session };
  return new TradovateAdapter({
    connectionId: 'tdv',
    label: 'Tradovate (sim)',
    tradingUrl: urls.trading,
    marketDataUrl: urls.marketData,
    session,
    state,
    heartbeatMs: t.heartbeatMs,
    ...(t.maxPayloadBytes === undefined ? {} : { maxPayloadBytes: t.maxPayloadBytes }),
    logger: t.logger,
  });
}

/** A simulator with a steady tape (quotes every 50 ms) and background fills. */
export function conformanceSim(o: TradovateSimOptions = {}): TradovateSim {
  return new TradovateSim({ stepMs: 50, flowMs: 300, inboundSilenceMs: 30_000, ...o });
}

export const lastParts: { current: TradovateParts | null } = { current: null };

export const tradovateSubject: AdapterSubject<TradovateSim> = {
  name: 'tradovate',
  kind: 'tradovate',
  createSim: () => conformanceSim(),
  createAdapter: (sim, t) => buildAdapter(sim, t, lastParts),
  stream: 'quotes',
  cadenceMs: 50,
  reportsExchangeTime: true,
  expiredReason: 'Access token expired',
  // The adapter requests a new token itself once the old one was refused.
  renewCredentials: () => undefined,
  // Tradovate documents no maximum connection lifetime (brokers.md §1.9): nothing to rotate for.
  skip: ['maximum connection age'],
};

// ---- the whole connection (kind config → TradovateConnection) ----------------------------------

export interface ConnectionRig {
  sim: TradovateSim;
  conn: TradovateConnection;
  events: ConnectionEvent[];
  ledger: Ledger;
  logs: Record<string, unknown>[];
  waitState(state: string, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** A TradovateConnection built from its public config against a simulator, feeding a real ledger. */
export async function connectionRig(
  o: {
    sim?: TradovateSimOptions;
    existing?: TradovateSim;
    config?: Partial<TradovateConfig>;
    clock?: Clock;
    /** Runs before the ledger sees each event (a test may throw from it). */
    sinkHook?: (e: ConnectionEvent) => void;
  } = {},
): Promise<ConnectionRig> {
  const sim = o.existing ?? new TradovateSim({ inboundSilenceMs: 30_000, entityArrayChance: 0.5, ...o.sim });
  if (!sim.running) await sim.start();
  const logs: Record<string, unknown>[] = [];
  const logger = pino(
    { level: 'info' },
    { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) },
  );
  const conn = new TradovateConnection(
    {
      kind: 'tradovate',
      id: 'tdv',
      mode: 'demo',
      urls: simUrls(sim),
      username: credentials.name,
      password: credentials.password,
      appId: credentials.appId,
      appVersion: credentials.appVersion,
      cid: credentials.cid,
      sec: credentials.sec,
      deviceId: credentials.deviceId,
      backoff: { baseMs: 20, capMs: 200 },
      ...o.config,
    },
    { logger, ...(o.clock === undefined ? {} : { clock: o.clock }) },
  );
  const events: ConnectionEvent[] = [];
  const ledger = new Ledger();
  ledger.registerConnection('tdv', 'demo');
  await conn.start((_id, e) => {
    events.push(e);
    o.sinkHook?.(e);
    ledger.apply('tdv', e);
  });
  return {
    sim,
    conn,
    events,
    ledger,
    logs,
    waitState: (state, timeoutMs) =>
      until(
        () => conn.supervisor.state === state,
        `state ${state} (now ${conn.supervisor.state})`,
        timeoutMs,
      ),
    close: async () => {
      await conn.stop();
      if (o.existing === undefined) await sim.stop();
    },
  };
}
