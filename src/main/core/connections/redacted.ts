/**
 * The redaction boundary for broker-supplied text. Every connection the manager hands to the
 * engine (or runs as a trial) is wrapped here, so a gateway that echoes a secret — a cookie in a
 * close reason, a token in an error frame, an API key in an order rejection — has it scrubbed
 * from `health().lastError`, from health events on the stream, from command results and from
 * thrown errors before the engine, the listing, a test outcome or a log can see it.
 *
 * The supervisor may also scrub at the source (`redactKnownSecrets` from credentials); this
 * wrapper does not depend on it.
 */
import type { Result } from '../../../shared/contract';
import type { ConnectionHealth, Order } from '../../../shared/domain';
import type { Connection, ConnectionSink, ModifyOrder, PlaceOrder } from '../connection';
import { redactKnownSecrets, redactOptional } from '../credentials/redaction';

function cleanHealth(h: ConnectionHealth): ConnectionHealth {
  return h.lastError === null ? h : { ...h, lastError: redactOptional(h.lastError) };
}

function cleanResult<T>(r: Result<T>): Result<T> {
  return r.ok ? r : { ok: false, error: { ...r.error, message: redactKnownSecrets(r.error.message) } };
}

async function cleanCall<T>(call: () => Promise<Result<T>>): Promise<Result<T>> {
  try {
    return cleanResult(await call());
  } catch (err) {
    // eslint-disable-next-line preserve-caught-error -- the cause would carry the unredacted text
    throw new Error(redactKnownSecrets(err instanceof Error ? err.message : String(err)));
  }
}

export class RedactedConnection implements Connection {
  constructor(readonly inner: Connection) {}

  get id(): string {
    return this.inner.id;
  }
  get kind(): string {
    return this.inner.kind;
  }
  get label(): string {
    return this.inner.label;
  }
  get mode(): Connection['mode'] {
    return this.inner.mode;
  }
  get capabilities(): Connection['capabilities'] {
    return this.inner.capabilities;
  }

  start(sink: ConnectionSink): Promise<void> {
    return this.inner.start((id, event) =>
      sink(id, event.type === 'health' ? { type: 'health', health: cleanHealth(event.health) } : event),
    );
  }

  stop(): Promise<void> {
    return this.inner.stop();
  }

  health(): ConnectionHealth {
    return cleanHealth(this.inner.health());
  }

  reconnect(): void {
    this.inner.reconnect();
  }

  disconnect(): void {
    this.inner.disconnect();
  }

  placeOrder(order: PlaceOrder): Promise<Result<Order>> {
    return cleanCall(() => this.inner.placeOrder(order));
  }

  modifyOrder(existing: Order, change: ModifyOrder): Promise<Result<Order>> {
    return cleanCall(() => this.inner.modifyOrder(existing, change));
  }

  cancelOrder(existing: Order): Promise<Result<Order>> {
    return cleanCall(() => this.inner.cancelOrder(existing));
  }

  get history(): Connection['history'] {
    return this.inner.history?.bind(this.inner);
  }
}
