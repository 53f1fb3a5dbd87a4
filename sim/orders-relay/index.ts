export { DEMO_ACCOUNT, DEMO_TOKEN, OrdersRelaySim, type OrdersRelaySimOptions } from './server';
