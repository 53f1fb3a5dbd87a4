/** Order routes wired to a harness's supervisor exactly as `BinanceConnection` wires them. */
import type { BinanceAdapter } from '../../../../../src/main/core/brokers/binance/adapter';
import { binanceOrders } from '../../../../../src/main/core/brokers/binance/orders';
import type { PlaceOrder } from '../../../../../src/main/core/connection';
import type { Harness } from './harness';

export function routesOf(x: Harness) {
  const adapter = (x.adapter as unknown as { inner: BinanceAdapter }).inner;
  const routes = binanceOrders(
    { request: (op, payload, opts) => x.sup.request(op, payload, opts), clock: x.sup.clock },
    adapter.state,
    (s) => adapter.lastPrice(s),
  );
  return { routes, adapter };
}

let seq = 0;
export function order(o: Partial<PlaceOrder> = {}): PlaceOrder {
  seq += 1;
  return {
    connectionId: 'binance',
    accountId: 'spot',
    symbol: 'BTCUSDT',
    side: 'buy',
    type: 'market',
    qty: 0.001,
    tif: 'gtc',
    clientOrderId: `test-${Date.now().toString(36)}-${seq}`,
    ...o,
  } as PlaceOrder;
}
