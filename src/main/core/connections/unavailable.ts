/**
 * A connection that is configured and enabled but cannot run (its secret is not stored, its kind
 * has no adapter, its saved config no longer parses). It sits in the engine in `stopped` with the
 * reason as its last error, so the trader sees why instead of the connection silently vanishing.
 */
import { fail, type Result } from '../../../shared/contract';
import { blankHealth, type AccountMode, type ConnectionHealth, type Order } from '../../../shared/domain';
import type { Capabilities, Connection } from '../connection';

const none: Capabilities = {
  trading: false,
  nativeOco: false,
  nativeTrailingStop: false,
  nativeBracket: false,
  snapshotResync: false,
  history: false,
};

export class UnavailableConnection implements Connection {
  readonly capabilities = none;

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

  async placeOrder(): Promise<Result<Order>> {
    return fail('not_connected', `${this.label} is not running: ${this.reason}`);
  }

  async modifyOrder(): Promise<Result<Order>> {
    return fail('not_connected', `${this.label} is not running: ${this.reason}`);
  }

  async cancelOrder(): Promise<Result<Order>> {
    return fail('not_connected', `${this.label} is not running: ${this.reason}`);
  }
}
