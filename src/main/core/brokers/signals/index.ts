export { SignalsAdapter, type SignalsLinkOptions } from './adapter';
export { SignalsConfig, SignalsConnection } from './connection';
