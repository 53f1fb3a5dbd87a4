export { BinanceAdapter, type BinanceLinkOptions, type BinanceUrls } from './adapter';
export { BinanceConfig, BinanceConnection, type ConnectionDeps } from './connection';
export { binanceKind } from './kind';
