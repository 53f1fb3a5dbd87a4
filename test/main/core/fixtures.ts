/** Small builders for ledger/batcher tests: complete domain objects with overridable fields. */
import type { Fill, Instrument, Order, Quote } from '../../../src/shared/domain';

export const ES: Instrument = {
  symbol: 'ES',
  name: 'E-mini S&P 500 (test)',
  assetClass: 'future',
  tickSize: 0.25,
  multiplier: 50,
  currency: 'USD',
  qtyStep: 1,
  pricePrecision: 2,
  connectionId: 'c1',
};

export function fill(over: Partial<Fill> & Pick<Fill, 'id' | 'side' | 'qty' | 'price'>): Fill {
  return {
    orderId: 'o1',
    connectionId: 'c1',
    accountId: 'A1',
    symbol: 'ES',
    commission: 0,
    ts: 1_000,
    ...over,
  };
}

export function order(over: Partial<Order> = {}): Order {
  return {
    id: 'o1',
    clientOrderId: 'pg-test-1',
    connectionId: 'c1',
    accountId: 'A1',
    symbol: 'ES',
    side: 'buy',
    type: 'limit',
    tif: 'day',
    qty: 3,
    filledQty: 0,
    avgFillPrice: null,
    limitPrice: 5000,
    stopPrice: null,
    status: 'working',
    rejectReason: null,
    heldBy: 'broker',
    createdAt: 1_000,
    updatedAt: 1_000,
    ...over,
  };
}

export function quote(over: Partial<Quote> & Pick<Quote, 'symbol'>): Quote {
  return {
    connectionId: 'c1',
    bid: 5000,
    ask: 5000.5,
    last: 5000.25,
    bidSize: 10,
    askSize: 10,
    open: 4990,
    volume: 100,
    ts: 2_000,
    receivedAt: 2_000,
    ...over,
  };
}
