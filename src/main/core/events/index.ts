/**
 * Domain events: what the ledger published after it applied something. The batcher is one
 * subscriber among many — the order desk (an order showing up resolves an unknown outcome), the
 * protection engine (a leg filled: cancel its sibling; a quote: trail a stop), the alert engine
 * and the journal follow the same events. A subscriber that throws is logged and never stops the
 * others or the feed.
 */
import type { Account, ConnectionHealth, Fill, Order, Position, Quote } from '../../../shared/domain';
import type { Alert } from '../../../shared/stream';
import type { Logger } from '../log';

export type DomainEvent =
  /** An order appeared or moved to a newer version; `previous` is absent for a new order. */
  | { type: 'order'; order: Order; previous: Order | undefined }
  /** An order row left the ledger (a placeholder replaced by the broker's order, a removal). */
  | { type: 'orderRemoved'; connectionId: string; orderId: string }
  /** An execution was booked (once per execution id). */
  | { type: 'fill'; fill: Fill }
  /** A position's quantity or average changed (fills, broker reports) — not every re-mark. */
  | { type: 'position'; position: Position }
  /** A live quote (hot: subscribers must be cheap). */
  | { type: 'quote'; quote: Quote }
  | { type: 'health'; health: ConnectionHealth }
  /** A connection's accounts became verified (reconciled) or unverified (link down). */
  | { type: 'verified'; connectionId: string; verified: boolean; accounts: Account[] }
  /** Something the trader must look at; the alert is also kept as state in the stream. */
  | { type: 'alert'; alert: Alert };

export type DomainEventType = DomainEvent['type'];
export type EventOf<T extends DomainEventType> = Extract<DomainEvent, { type: T }>;
type Listener<T extends DomainEventType> = (event: EventOf<T>) => void;

export class DomainEvents {
  private readonly listeners = new Map<DomainEventType, Set<Listener<DomainEventType>>>();

  constructor(private readonly log?: Logger) {}

  /** Follow one kind of event; returns the unsubscribe function. */
  on<T extends DomainEventType>(type: T, listener: Listener<T>): () => void {
    let set = this.listeners.get(type);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(type, set);
    }
    const l = listener as unknown as Listener<DomainEventType>;
    set.add(l);
    return () => set.delete(l);
  }

  /** True when someone follows `type`: the hot path skips building events nobody reads. */
  has(type: DomainEventType): boolean {
    return (this.listeners.get(type)?.size ?? 0) > 0;
  }

  emit(event: DomainEvent): void {
    const set = this.listeners.get(event.type);
    if (set === undefined) return;
    for (const l of set) {
      try {
        l(event);
      } catch (err) {
        this.log?.error({ err, eventType: event.type }, 'domain event subscriber failed');
      }
    }
  }
}
