/**
 * Instruments for gateways that stream bare symbols (no contract specs): a best guess from the
 * symbol's shape, so positions and charts have a tick size, a multiplier of 1 and a currency.
 * Crypto pairs (`BTCUSDT`, `ETH-USD`) trade fractional quantities; anything else is a stock.
 */
import type { Instrument } from '../../../../shared/domain';

const CRYPTO = /^[A-Z0-9]{2,10}[-/]?(USDT|USDC|BUSD|USD|BTC|ETH|EUR)$/;

export function gatewayInstrument(symbol: string, connectionId: string): Instrument {
  const crypto = CRYPTO.test(symbol.toUpperCase()) && symbol.length > 5;
  return {
    symbol,
    name: symbol,
    assetClass: crypto ? 'crypto' : 'stock',
    tickSize: 0.01,
    multiplier: 1,
    currency: 'USD',
    qtyStep: crypto ? 0.00001 : 1,
    pricePrecision: 2,
    connectionId,
  };
}
