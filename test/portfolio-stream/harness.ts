/** The real portfolio-stream adapter under a real Supervisor against the real simulator on loopback. */
import type { ConnectionState } from '../../src/shared/domain';
import { PortfolioStreamAdapter } from '../../src/main/core/brokers/portfolio-stream/adapter';
import type { Clock } from '../../src/main/core/supervisor/clock';
import type { Link, LinkAdapter, LinkHandlers } from '../../src/main/core/supervisor/link';
import { Supervisor, type SupervisorOptions } from '../../src/main/core/supervisor/supervisor';
import {
  DEMO_SESSION,
  PortfolioStreamSim,
  type PortfolioStreamSimOptions,
} from '../../sim/portfolio-stream/server';
import { Recorder, recordingLogger, until } from '../supervisor/support';

/** Counts frames delivered to the supervisor, so a test can wait until the wire is quiet. */
class CountingAdapter implements LinkAdapter {
  frames = 0;
  opens = 0;
  constructor(private readonly inner: LinkAdapter) {}
  get heartbeatMs(): number {
    return this.inner.heartbeatMs;
  }
  get maxConnectionAgeMs(): number | undefined {
    return this.inner.maxConnectionAgeMs;
  }
  open(h: LinkHandlers, signal: AbortSignal): Promise<Link> {
    this.opens += 1;
    return this.inner.open(
      {
        ...h,
        frame: () => {
          this.frames += 1;
          h.frame();
        },
      },
      signal,
    );
  }
}

export interface Harness {
  sim: PortfolioStreamSim;
  sup: Supervisor;
  rec: Recorder;
  adapter: CountingAdapter;
  logger: ReturnType<typeof recordingLogger>;
  waitState(state: ConnectionState, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions extends Partial<
  Omit<SupervisorOptions, 'adapter' | 'id' | 'kind' | 'label' | 'mode'>
> {
  sim?: PortfolioStreamSimOptions;
  /** Reuse a running simulator (several clients on one server). */
  existing?: PortfolioStreamSim;
  cookie?: string;
  maxAgeMs?: number;
  maxPayloadBytes?: number;
  clock?: Clock;
  start?: boolean;
}

export async function harness(o: HarnessOptions = {}): Promise<Harness> {
  const sim = o.existing ?? new PortfolioStreamSim({ batchIntervalMs: 50, ...o.sim });
  const addr = sim.running ? sim.address() : await sim.start();
  const logger = recordingLogger();
  const adapter = new CountingAdapter(
    new PortfolioStreamAdapter({
      connectionId: 'ps',
      label: 'Portfolio stream',
      url: addr.url,
      sessionCookie: o.cookie ?? DEMO_SESSION,
      heartbeatMs: o.heartbeatMs ?? 15_000,
      ...(o.maxAgeMs === undefined ? {} : { maxConnectionAgeMs: o.maxAgeMs }),
      ...(o.maxPayloadBytes === undefined ? {} : { maxPayloadBytes: o.maxPayloadBytes }),
      logger,
    }),
  );
  const rec = new Recorder();
  const sup = new Supervisor({
    id: 'ps',
    kind: 'portfolio-stream',
    label: 'Portfolio stream',
    mode: 'paper',
    adapter,
    logger,
    healthThrottleMs: 0,
    backoff: { baseMs: 20, capMs: 200, minMs: 5, tryLaterMs: 300, ...o.backoff },
    ...(o.clock === undefined ? {} : { clock: o.clock }),
    ...(o.staleness === undefined ? {} : { staleness: o.staleness }),
    ...(o.rotationLeadMs === undefined ? {} : { rotationLeadMs: o.rotationLeadMs }),
    ...(o.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: o.connectTimeoutMs }),
  });
  if (o.start !== false) sup.start(rec.listener);
  return {
    sim,
    sup,
    rec,
    adapter,
    logger,
    waitState: (state, timeoutMs) =>
      until(() => sup.state === state, `state ${state} (now ${sup.state})`, timeoutMs),
    close: async () => {
      sup.stop();
      if (o.existing === undefined) await sim.stop();
    },
  };
}
