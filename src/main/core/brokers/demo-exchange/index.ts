export { DemoExchangeAdapter, type DemoExchangeLinkOptions } from './adapter';
export { DemoExchangeConfig, DemoExchangeConnection } from './connection';
export { DEMO_EXCHANGE_DEFAULTS, demoExchangeKind } from './kind';
