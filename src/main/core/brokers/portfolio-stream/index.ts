export { PortfolioStreamAdapter, type PortfolioStreamLinkOptions } from './adapter';
export { PortfolioStreamConfig, PortfolioStreamConnection, type ConnectionDeps } from './connection';
