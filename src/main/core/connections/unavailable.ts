/**
 * A connection that is configured and enabled but cannot run (its secret is not stored, its kind
 * has no adapter, its saved config no longer parses). It sits in the engine in `stopped` with the
 * reason as its last error, so the trader sees why instead of the connection silently vanishing.
 */
import { blankHealth, type AccountMode, type ConnectionHealth } from '../../../shared/domain';
import { type Connection, NO_CAPABILITIES, type OrderAck, type OrderLookup, refused } from '../connection';

export class UnavailableConnection implements Connection {
  readonly capabilities = NO_CAPABILITIES;

  constructor(
    readonly id: string,
    readonly kind: string,
    readonly label: string,
    readonly mode: AccountMode,
    readonly reason: string,
    private readonly since: number = Date.now(),
  ) {}

  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  reconnect(): void {}
  disconnect(): void {}

  health(): ConnectionHealth {
    const base = { id: this.id, kind: this.kind, label: this.label, mode: this.mode, since: this.since };
    return {
      ...blankHealth({ ...base, state: 'stopped' }),
      lastError: this.reason,
      // The reason holds from the moment the connection was set up as unavailable.
      lastErrorAt: this.since,
    };
  }

  private notRunning(): OrderAck {
    return refused('not_connected', `${this.label} is not running: ${this.reason}`);
  }

  async placeOrder(): Promise<OrderAck> {
    return this.notRunning();
  }

  async modifyOrder(): Promise<OrderAck> {
    return this.notRunning();
  }

  async cancelOrder(): Promise<OrderAck> {
    return this.notRunning();
  }

  /** Nothing was ever placed through a connection that never ran. */
  async lookupOrder(): Promise<OrderLookup> {
    return { status: 'not_found' };
  }
}
