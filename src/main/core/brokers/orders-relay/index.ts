export { OrdersRelayAdapter, type OrdersRelayLinkOptions, withToken } from './adapter';
export { OrdersRelayConfig, OrdersRelayConnection } from './connection';
