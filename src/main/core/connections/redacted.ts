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
import type { ConnectionHealth, Order } from '../../../shared/domain';
import type {
  CancelOrder,
  Connection,
  ConnectionSink,
  ModifyOrder,
  OrderAck,
  OrderListAck,
  OrderLookup,
  PlaceOrder,
  PlaceOrderList,
} from '../connection';
import { redactKnownSecrets, redactOptional } from '../credentials/redaction';

function cleanHealth(h: ConnectionHealth): ConnectionHealth {
  return h.lastError === null ? h : { ...h, lastError: redactOptional(h.lastError) };
}

function cleanOrder(o: Order): Order {
  return o.rejectReason === null ? o : { ...o, rejectReason: redactKnownSecrets(o.rejectReason) };
}

function cleanAck(a: OrderAck): OrderAck {
  if (a.status === 'accepted') return a.order === undefined ? a : { ...a, order: cleanOrder(a.order) };
  return { ...a, reason: redactKnownSecrets(a.reason) };
}

function cleanListAck(a: OrderListAck): OrderListAck {
  if (a.status === 'accepted') return { ...a, orders: a.orders.map(cleanOrder) };
  return { ...a, reason: redactKnownSecrets(a.reason) };
}

function cleanLookup(l: OrderLookup): OrderLookup {
  if (l.status === 'found') return { ...l, order: cleanOrder(l.order) };
  return l.status === 'unknown' ? { ...l, reason: redactKnownSecrets(l.reason) } : l;
}

async function cleanCall<T>(call: () => Promise<T>, clean: (v: T) => T): Promise<T> {
  try {
    return clean(await call());
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
  get heldBy(): Connection['heldBy'] {
    return this.inner.heldBy;
  }
  get setInterest(): Connection['setInterest'] {
    return this.inner.setInterest?.bind(this.inner);
  }
  get setDepthInterest(): Connection['setDepthInterest'] {
    return this.inner.setDepthInterest?.bind(this.inner);
  }

  start(sink: ConnectionSink): Promise<void> {
    return this.inner.start((id, event) =>
      sink(
        id,
        event.type === 'health'
          ? { type: 'health', health: cleanHealth(event.health) }
          : event.type === 'order'
            ? { type: 'order', order: cleanOrder(event.order) }
            : event,
      ),
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

  placeOrder(order: PlaceOrder): Promise<OrderAck> {
    return cleanCall(() => this.inner.placeOrder(order), cleanAck);
  }

  modifyOrder(existing: Order, change: ModifyOrder): Promise<OrderAck> {
    return cleanCall(() => this.inner.modifyOrder(existing, change), cleanAck);
  }

  cancelOrder(existing: Order, cancel: CancelOrder): Promise<OrderAck> {
    return cleanCall(() => this.inner.cancelOrder(existing, cancel), cleanAck);
  }

  /** Present exactly when the inner connection holds native lists (the engine reads its presence). */
  get placeOrderList(): Connection['placeOrderList'] {
    const inner = this.inner;
    const place = inner.placeOrderList?.bind(inner);
    return place === undefined
      ? undefined
      : (list: PlaceOrderList) => cleanCall(() => place(list), cleanListAck);
  }

  lookupOrder(clientOrderId: string, accountId: string): Promise<OrderLookup> {
    return cleanCall(() => this.inner.lookupOrder(clientOrderId, accountId), cleanLookup);
  }

  get history(): Connection['history'] {
    return this.inner.history?.bind(this.inner);
  }

  get historyBefore(): Connection['historyBefore'] {
    return this.inner.historyBefore?.bind(this.inner);
  }
}
