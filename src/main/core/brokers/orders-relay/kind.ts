/**
 * The `orders-relay` gateway (seed 002). Its config shape is fixed by issue 13:
 *
 *   { "kind": "orders-relay", "id": "relay", "mode": "demo", "url": "wss://host/ws/orders",
 *     "urls": { "positions": "wss://host/ws/positions", "rest": "https://host/api" },
 *     "secrets": { "token": { … } } }
 *
 * The JWT is bound to the origins of all three endpoints; it rides in the `token` query parameter
 * of both sockets and as the bearer of the cancel call.
 */
import { configProblem, type ConnectionKindSpec } from '../kind';
import { OrdersRelayConfig, OrdersRelayConnection } from './connection';

export const ordersRelayKind: ConnectionKindSpec = {
  kind: 'orders-relay',
  title: 'Orders relay gateway',
  available: true,
  builtIn: false,
  // A gateway may report real money: never shown as paper by accident.
  modes: ['paper', 'demo', 'live'],
  defaultMode: 'live',
  endpoints: [
    {
      name: 'url',
      label: 'Orders socket',
      required: true,
      schemes: ['ws:', 'wss:'],
      placeholder: 'wss://host/ws/orders',
    },
    {
      name: 'positions',
      label: 'Positions socket',
      required: true,
      schemes: ['ws:', 'wss:'],
      placeholder: 'wss://host/ws/positions',
    },
    {
      name: 'rest',
      label: 'REST base',
      required: true,
      schemes: ['http:', 'https:'],
      placeholder: 'https://host/api',
      help: 'Orders are cancelled through DELETE {rest}/orders/<id>.',
    },
  ],
  secrets: [
    {
      name: 'token',
      label: 'Token (JWT)',
      required: true,
      help: 'Sent to the three endpoints above only. Kept in the credential vault only.',
    },
  ],
  options: [],
  build(entry, secrets, deps) {
    const token = secrets.get('token');
    if (token === undefined) throw new Error('the token is not stored');
    const parsed = OrdersRelayConfig.safeParse({
      ...entry.options,
      kind: 'orders-relay',
      id: entry.id,
      label: entry.label,
      url: entry.url,
      positionsUrl: entry.urls.positions,
      restUrl: entry.urls.rest,
      mode: entry.mode,
      token,
    });
    if (!parsed.success) throw new Error(configProblem(parsed.error));
    return new OrdersRelayConnection(parsed.data, deps);
  },
};
