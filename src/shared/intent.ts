/**
 * What makes two place-order requests the same trader intent: every field the trader chose.
 * The ticket uses it to decide whether a retry may reuse a client order id; the engine uses it to
 * refuse a client order id reused for a different order.
 */
import type { PlaceOrderRequest } from './contract';

type OrderChoice = Omit<PlaceOrderRequest, 'clientOrderId'>;

export function isSameOrderIntent(a: OrderChoice, b: OrderChoice): boolean {
  return (
    a.connectionId === b.connectionId &&
    a.accountId === b.accountId &&
    a.symbol === b.symbol &&
    a.side === b.side &&
    a.type === b.type &&
    a.qty === b.qty &&
    a.limitPrice === b.limitPrice &&
    a.stopPrice === b.stopPrice &&
    (a.tif ?? 'day') === (b.tif ?? 'day')
  );
}
