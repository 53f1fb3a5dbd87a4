/**
 * A demo-exchange account as an engine `Connection`: its config, the kit's supervised connection
 * around the adapter, order routes over the trading socket (place, cancel, lookup by our client
 * order id) and subscriptions over the market socket.
 */
import { z } from 'zod';
import type { Capabilities, OrderAck } from '../../connection';
import { refused } from '../../connection';
import {
  httpUrl,
  linkTuningFrom,
  socketUrl,
  supervisorConfigFields,
  supervisorOptionsFrom,
} from '../../supervisor/config';
import {
  type ConnectionDeps,
  type OrderChannel,
  type OrderRoutes,
  SupervisedConnection,
} from '../kit/connection';
import { ackFromError, lookupFromError } from '../kit/orders';
import { ACCOUNT_STREAM, DemoExchangeAdapter } from './adapter';
import { toOrder, toOrderRequest } from './mapping';
import { OrderData, OrderList } from './messages';

export const DemoExchangeConfig = z.object({
  kind: z.literal('demo-exchange'),
  id: z.string().min(1),
  label: z.string().optional(),
  /** Trading socket, market-data socket, REST base. */
  url: socketUrl,
  marketUrl: socketUrl,
  restUrl: httpUrl,
  user: z.string().min(1),
  password: z.string().min(1),
  mode: z.enum(['paper', 'demo', 'live']).optional(),
  /** How long an order request may go unanswered before its outcome is unknown. */
  requestTimeoutMs: z.number().positive().optional(),
  ...supervisorConfigFields,
});
export type DemoExchangeConfig = z.infer<typeof DemoExchangeConfig>;

const capabilities: Capabilities = {
  trading: true,
  // The exchange has no amend request on its socket; OCO and brackets are not wired up yet.
  modify: false,
  nativeOco: false,
  nativeTrailingStop: false,
  nativeBracket: false,
  snapshotResync: true,
  history: false,
};

function routes(channel: OrderChannel, connectionId: string, timeoutMs: number): OrderRoutes {
  const opts = { timeoutMs };
  return {
    async placeOrder(order) {
      try {
        const result = OrderData.parse(
          await channel.request('place', { order: toOrderRequest(order) }, opts),
        );
        return accepted(result, order.connectionId, order.accountId);
      } catch (err) {
        return ackFromError(err);
      }
    },
    modifyOrder() {
      return Promise.resolve(
        refused('not_supported', 'The demo exchange cannot modify orders: cancel and place again.'),
      );
    },
    async cancelOrder(existing) {
      try {
        const result = OrderData.parse(await channel.request('cancel', { orderId: existing.id }, opts));
        return accepted(result, existing.connectionId, existing.accountId);
      } catch (err) {
        return ackFromError(err);
      }
    },
    async lookupOrder(clientOrderId, accountId) {
      try {
        const orders = OrderList.parse(await channel.request('orders', {}, opts));
        const found = orders.find((o) => o.clientOrderId === clientOrderId);
        if (found === undefined) return { status: 'not_found' };
        const order = toOrder(found, connectionId, accountId);
        return order === null ? { status: 'not_found' } : { status: 'found', order };
      } catch (err) {
        return lookupFromError(err);
      }
    },
  };
}

function accepted(d: z.infer<typeof OrderData>, cid: string, accountId: string): OrderAck {
  const order = toOrder(d, cid, accountId);
  return { status: 'accepted', brokerOrderId: d.id, ...(order === null ? {} : { order }) };
}

export class DemoExchangeConnection extends SupervisedConnection {
  constructor(config: DemoExchangeConfig, deps: ConnectionDeps = {}) {
    const label = config.label ?? `Demo exchange (${new URL(config.url).host})`;
    // The symbols the terminal wants: kept here so every new link subscribes to them again.
    let interest: ReadonlySet<string> = new Set();
    super(
      {
        id: config.id,
        kind: 'demo-exchange',
        label,
        mode: config.mode ?? 'demo',
        capabilities,
        secrets: [config.password],
        adapter: (logger) =>
          new DemoExchangeAdapter({
            connectionId: config.id,
            label,
            url: config.url,
            marketUrl: config.marketUrl,
            restUrl: config.restUrl,
            user: config.user,
            password: config.password,
            interest: () => interest,
            ...linkTuningFrom(config),
            logger,
          }),
        supervisor: supervisorOptionsFrom(config, ACCOUNT_STREAM),
        orders: (channel) => routes(channel, config.id, config.requestTimeoutMs ?? 10_000),
        setInterest: (symbols, channel) => {
          interest = new Set(symbols);
          // Not connected: the next link subscribes to `interest` when it opens.
          channel.request('subscribe', { symbols: [...symbols] }).catch(() => undefined);
        },
      },
      deps,
    );
  }
}
