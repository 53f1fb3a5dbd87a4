/**
 * One client order id per trader intent. A click makes a new intent; if its request fails in a
 * way that leaves the outcome unknown (the host link dropped mid-call), the intent stays pending
 * and the next click with the same order reuses its id, so the engine can never place it twice.
 * A definite answer (accepted, or rejected with a reason) ends the intent; a thrown call (unknown
 * outcome) leaves it pending.
 */
import type { PlaceOrderRequest } from '../../shared/contract';
import { isSameOrderIntent } from '../../shared/intent';

/** Matches the contract's `^[\w.:-]{8,64}$`: "t-" and a v4 UUID (38 characters). */
export function newClientOrderId(randomUUID: () => string = () => crypto.randomUUID()): string {
  return `t-${randomUUID()}`;
}

type Order = Omit<PlaceOrderRequest, 'clientOrderId'>;

export interface PendingIntent {
  readonly request: PlaceOrderRequest & { clientOrderId: string };
}

export class OrderIntents {
  private pending: PendingIntent | null = null;

  constructor(private readonly makeId: () => string = newClientOrderId) {}

  /** The request to send for this click: the pending intent's id when it is the same order. */
  begin(order: Order): PlaceOrderRequest & { clientOrderId: string } {
    const p = this.pending;
    if (p !== null && isSameOrderIntent(p.request, order))
      return { ...order, clientOrderId: p.request.clientOrderId };
    const request = { ...order, clientOrderId: this.makeId() };
    this.pending = { request };
    return request;
  }

  /** The host answered (accepted or rejected): the intent is done, the next click is a new one. */
  settled(clientOrderId: string): void {
    if (this.pending?.request.clientOrderId === clientOrderId) this.pending = null;
  }

  /** The intent awaiting a retry, if any (the ticket says so). */
  get awaitingRetry(): PendingIntent | null {
    return this.pending;
  }
}
