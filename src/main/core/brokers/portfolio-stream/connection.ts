/**
 * A portfolio-stream gateway as an engine `Connection`: the adapter under a Supervisor. Read-only —
 * the protocol streams positions, orders, account and trades but takes no orders.
 */
import { z } from 'zod';
import type { AccountMode, ConnectionHealth, Order } from '../../../../shared/domain';
import {
  type Capabilities,
  type Connection,
  type ConnectionSink,
  type ModifyOrder,
  type OrderAck,
  type OrderLookup,
  type PlaceOrder,
  refused,
} from '../../connection';
import { type Logger, registerSecret, silentLogger } from '../../log';
import type { Clock, Random } from '../../supervisor/clock';
import { Supervisor } from '../../supervisor/supervisor';
import { PortfolioStreamAdapter } from './adapter';

export const BackoffConfig = z
  .object({
    baseMs: z.number().positive(),
    capMs: z.number().positive(),
    maxAttempts: z.number().int().positive(),
    stableMs: z.number().positive(),
    tryLaterMs: z.number().min(0),
  })
  .partial();

export const PortfolioStreamConfig = z.object({
  kind: z.literal('portfolio-stream'),
  id: z.string().min(1),
  label: z.string().optional(),
  url: z.string().regex(/^wss?:\/\//, 'a ws:// or wss:// URL'),
  sessionCookie: z.string().min(1),
  /** Expected user id; learned from the first frame when absent. */
  userId: z.string().optional(),
  /** What kind of money this gateway reports; defaults to live so nothing real is shown as paper. */
  mode: z.enum(['paper', 'demo', 'live']).optional(),
  backoff: BackoffConfig.optional(),
  heartbeatMs: z.number().positive().optional(),
  connectTimeoutMs: z.number().positive().optional(),
  /** Expected data cadence; learned from traffic when absent. */
  expectedCadenceMs: z.number().positive().optional(),
  maxConnectionAgeMs: z.number().positive().optional(),
});
export type PortfolioStreamConfig = z.infer<typeof PortfolioStreamConfig>;

export interface ConnectionDeps {
  logger?: Logger;
  clock?: Clock;
  random?: Random;
}

const readOnly: Capabilities = {
  trading: false,
  modify: false,
  nativeOco: false,
  nativeTrailingStop: false,
  nativeBracket: false,
  snapshotResync: true,
  history: false,
};

export class PortfolioStreamConnection implements Connection {
  readonly id: string;
  readonly kind = 'portfolio-stream';
  readonly label: string;
  readonly mode: AccountMode;
  readonly capabilities = readOnly;
  private readonly supervisor: Supervisor;

  constructor(config: PortfolioStreamConfig, deps: ConnectionDeps = {}) {
    this.id = config.id;
    this.label = config.label ?? `Portfolio stream (${new URL(config.url).host})`;
    this.mode = config.mode ?? 'live';
    registerSecret(config.sessionCookie);
    const logger = (deps.logger ?? silentLogger()).child({ connectionId: config.id, kind: this.kind });
    const adapter = new PortfolioStreamAdapter({
      connectionId: config.id,
      label: this.label,
      url: config.url,
      sessionCookie: config.sessionCookie,
      ...(config.userId === undefined ? {} : { userId: config.userId }),
      ...(config.heartbeatMs === undefined ? {} : { heartbeatMs: config.heartbeatMs }),
      ...(config.maxConnectionAgeMs === undefined ? {} : { maxConnectionAgeMs: config.maxConnectionAgeMs }),
      logger,
    });
    this.supervisor = new Supervisor({
      id: config.id,
      kind: this.kind,
      label: this.label,
      mode: this.mode,
      adapter,
      ...(config.backoff === undefined ? {} : { backoff: config.backoff }),
      ...(config.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: config.connectTimeoutMs }),
      ...(config.expectedCadenceMs === undefined
        ? {}
        : { staleness: { cadenceMs: { portfolio: config.expectedCadenceMs } } }),
      ...(deps.clock === undefined ? {} : { clock: deps.clock }),
      ...(deps.random === undefined ? {} : { random: deps.random }),
      logger,
    });
  }

  async start(sink: ConnectionSink): Promise<void> {
    this.supervisor.start((event) => sink(this.id, event));
  }

  async stop(): Promise<void> {
    this.supervisor.stop();
  }

  health(): ConnectionHealth {
    return this.supervisor.health();
  }

  reconnect(): void {
    this.supervisor.reconnect();
  }

  disconnect(): void {
    this.supervisor.disconnect();
  }

  async placeOrder(_order: PlaceOrder): Promise<OrderAck> {
    return refused(
      'read_only',
      `${this.label} is a read-only gateway: it streams positions and orders but cannot place them.`,
    );
  }

  async modifyOrder(_existing: Order, _change: ModifyOrder): Promise<OrderAck> {
    return refused(
      'read_only',
      `${this.label} is a read-only gateway: orders cannot be modified through it.`,
    );
  }

  async cancelOrder(_existing: Order): Promise<OrderAck> {
    return refused(
      'read_only',
      `${this.label} is a read-only gateway: orders cannot be cancelled through it.`,
    );
  }

  /** Nothing is ever placed through a read-only gateway. */
  async lookupOrder(): Promise<OrderLookup> {
    return { status: 'not_found' };
  }
}
