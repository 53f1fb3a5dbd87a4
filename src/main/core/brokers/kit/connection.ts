/**
 * One generic engine `Connection` for every socket adapter: the adapter's link under a Supervisor.
 * Lifecycle, health and reconnect come from the supervisor; order entry from the kind's `orders`
 * routes (built with access to `request()`), or a read-only refusal when the kind takes no orders.
 * The connection keeps no copy of orders or positions: events go straight to the engine's sink.
 */
import type { AccountMode, ConnectionHealth, Order } from '../../../../shared/domain';
import {
  type CancelOrder,
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
import type { LinkAdapter } from '../../supervisor/link';
import { type RequestCallOptions, Supervisor, type SupervisorOptions } from '../../supervisor/supervisor';

export interface ConnectionDeps {
  logger?: Logger;
  clock?: Clock;
  random?: Random;
  /** A host-wide cap on a link's age before it is rotated (`PEREGRINE_MAX_LINK_AGE_MS`). */
  maxLinkAgeMs?: number;
}

/** What the supervisor lends a kind's order routes: requests over the current link, and its clock. */
export interface OrderChannel {
  request(op: string, payload: unknown, opts?: RequestCallOptions): Promise<unknown>;
  readonly clock: Clock;
}

/** A kind's order entry; built once per connection with the supervisor's channel. */
export interface OrderRoutes {
  placeOrder(order: PlaceOrder): Promise<OrderAck>;
  modifyOrder(existing: Order, change: ModifyOrder): Promise<OrderAck>;
  cancelOrder(existing: Order, cancel: CancelOrder): Promise<OrderAck>;
  lookupOrder(clientOrderId: string, accountId: string): Promise<OrderLookup>;
}

export interface SupervisedConnectionOptions {
  id: string;
  kind: string;
  label: string;
  mode: AccountMode;
  capabilities: Capabilities;
  /** Who keeps orders placed through it alive (default: the broker). */
  heldBy?: 'broker' | 'gateway';
  /** Builds the adapter with the connection's logger (already scoped to its id and kind). */
  adapter: (logger: Logger) => LinkAdapter;
  /** Supervisor settings from the config (see `supervisorOptionsFrom`). */
  supervisor?: Partial<Omit<SupervisorOptions, 'id' | 'kind' | 'label' | 'mode' | 'adapter'>>;
  /** Secrets of this connection: scrubbed from every log line from construction on. */
  secrets?: readonly string[];
  /** Order entry; a read-only connection when absent. */
  orders?: (channel: OrderChannel) => OrderRoutes;
  /** Subscriptions: told which symbols the terminal needs streamed. */
  setInterest?: (symbols: ReadonlySet<string>, channel: OrderChannel) => void;
  /** Order books: told which symbols a ladder watches (only with `capabilities.depth`). */
  setDepthInterest?: (symbols: ReadonlySet<string>) => void;
}

export class SupervisedConnection implements Connection {
  readonly id: string;
  readonly kind: string;
  readonly label: string;
  readonly mode: AccountMode;
  readonly capabilities: Capabilities;
  readonly heldBy?: 'broker' | 'gateway';
  readonly supervisor: Supervisor;
  /** Present only when the kind subscribes per symbol: the engine skips connections without it. */
  readonly setInterest?: (symbols: ReadonlySet<string>) => void;
  readonly setDepthInterest?: (symbols: ReadonlySet<string>) => void;
  private readonly routes: OrderRoutes | null;

  constructor(o: SupervisedConnectionOptions, deps: ConnectionDeps = {}) {
    this.id = o.id;
    this.kind = o.kind;
    this.label = o.label;
    this.mode = o.mode;
    this.capabilities = o.capabilities;
    if (o.heldBy !== undefined) this.heldBy = o.heldBy;
    for (const s of o.secrets ?? []) registerSecret(s);
    const logger = (deps.logger ?? silentLogger()).child({ connectionId: o.id, kind: o.kind });
    const clock = deps.clock;
    this.supervisor = new Supervisor({
      ...o.supervisor,
      id: o.id,
      kind: o.kind,
      label: o.label,
      mode: o.mode,
      adapter: o.adapter(logger),
      ...(clock === undefined ? {} : { clock }),
      ...(deps.random === undefined ? {} : { random: deps.random }),
      ...(deps.maxLinkAgeMs === undefined ? {} : { maxLinkAgeMs: deps.maxLinkAgeMs }),
      logger,
    });
    const sup = this.supervisor;
    const channel: OrderChannel = {
      request: (op, payload, opts) => sup.request(op, payload, opts),
      get clock() {
        return sup.clock;
      },
    };
    this.routes = o.orders?.(channel) ?? null;
    const setInterest = o.setInterest;
    if (setInterest !== undefined) this.setInterest = (symbols) => setInterest(symbols, channel);
    if (o.setDepthInterest !== undefined) this.setDepthInterest = o.setDepthInterest;
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

  placeOrder(order: PlaceOrder): Promise<OrderAck> {
    if (this.routes === null) return this.readOnly('it streams positions and orders but cannot place them');
    return this.routes.placeOrder(order);
  }

  modifyOrder(existing: Order, change: ModifyOrder): Promise<OrderAck> {
    if (this.routes === null) return this.readOnly('orders cannot be modified through it');
    return this.routes.modifyOrder(existing, change);
  }

  cancelOrder(existing: Order, cancel: CancelOrder): Promise<OrderAck> {
    if (this.routes === null) return this.readOnly('orders cannot be cancelled through it');
    return this.routes.cancelOrder(existing, cancel);
  }

  /** Nothing is ever placed through a read-only connection, so nothing can be found. */
  lookupOrder(clientOrderId: string, accountId: string): Promise<OrderLookup> {
    if (this.routes === null) return Promise.resolve({ status: 'not_found' });
    return this.routes.lookupOrder(clientOrderId, accountId);
  }

  private readOnly(what: string): Promise<OrderAck> {
    return Promise.resolve(refused('read_only', `${this.label} is a read-only gateway: ${what}.`));
  }
}
