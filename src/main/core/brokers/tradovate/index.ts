export { TradovateAdapter, type TradovateLinkOptions, type TradovateState } from './adapter';
export { TradovateConfig, TradovateConnection, type ConnectionDeps } from './connection';
export { tradovateKind } from './kind';
export { type ListLeg, tradovateOrderRoutes } from './orders';
export { TradovateSession, type TradovateCredentials } from './session';
export { TradovateStore } from './store';
