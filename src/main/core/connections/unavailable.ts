/**
 * A connection that is configured and enabled but cannot run (its secret is not stored, its kind
 * has no adapter, its saved config no longer parses). It sits in the engine in `stopped` with the
 * reason as its last error, so the trader sees why instead of the connection silently vanishing.
 */
import { fail, type Result } from '../../../shared/contract';
import type { AccountMode, ConnectionHealth, Order } from '../../../shared/domain';
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
    return {
      id: this.id,
      kind: this.kind,
      label: this.label,
      mode: this.mode,
      state: 'stopped',
      since: this.since,
      rttMs: null,
      lagMs: null,
      clockOffsetMs: null,
      lastMessageAt: null,
      messagesPerSec: 0,
      reconnects: 0,
      attempt: 0,
      nextRetryAt: null,
      lastError: this.reason,
      // The reason holds from the moment the connection was set up as unavailable.
      lastErrorAt: this.since,
      malformedFrames: 0,
      rttHistory: [],
      lagHistory: [],
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
