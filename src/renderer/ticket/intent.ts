/**
 * One client order id per trader intent. The id comes from the main process (one generator for
 * every id a broker sees: at most 36 characters, a shape every broker accepts), asked for once per
 * new intent. If the request ends without a clear answer (the host link dropped mid-call, or the
 * broker's answer is unknown) the intent stays pending and the next click with the same order
 * reuses its id, so the engine can never place it twice. A definite answer (accepted, or rejected
 * with a reason) ends the intent.
 */
import type { PlaceOrderRequest } from '../../shared/contract';
import { isSameOrderIntent } from '../../shared/intent';

type Order = Omit<PlaceOrderRequest, 'clientOrderId'>;

export interface PendingIntent {
  readonly request: PlaceOrderRequest & { clientOrderId: string };
}

export class OrderIntents {
  private pending: PendingIntent | null = null;

  constructor(private readonly makeId: () => Promise<string>) {}

  /** The request to send for this click: the pending intent's id when it is the same order. */
  async begin(order: Order): Promise<PlaceOrderRequest & { clientOrderId: string }> {
    const p = this.pending;
    if (p !== null && isSameOrderIntent(p.request, order))
      return { ...order, clientOrderId: p.request.clientOrderId };
    const request = { ...order, clientOrderId: await this.makeId() };
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
