/**
 * The Binance simulator's market: spot pairs quoted in USDT with Binance-like filters. The
 * instrument grid (tick, step) is what `exchangeInfo` publishes as PRICE_FILTER / LOT_SIZE, so
 * an order the sim accepts is on the shared venue's grid too.
 */
import type { Instrument } from '../../src/shared/domain';
import type { MarketSpec } from '../../src/exchange/spec';

export interface PairSpec extends MarketSpec {
  baseAsset: string;
  quoteAsset: string;
  minQty: number;
  maxQty: number;
  minNotional: number;
  maxNotional: number;
}

function pair(
  base: string,
  startPrice: number,
  tickSize: number,
  qtyStep: number,
  minuteVol: number,
  bookSize: number,
): PairSpec {
  const symbol = `${base}USDT`;
  const instrument: Instrument = {
    symbol,
    name: `${base}/USDT`,
    assetClass: 'crypto',
    tickSize,
    multiplier: 1,
    currency: 'USD',
    qtyStep,
    pricePrecision: Math.max(0, -Math.floor(Math.log10(tickSize) + 1e-9)),
    connectionId: 'sim',
  };
  return {
    instrument,
    startPrice,
    minuteVol,
    bookSize,
    spreadTicks: 1,
    baseAsset: base,
    quoteAsset: 'USDT',
    minQty: qtyStep,
    maxQty: 9000,
    minNotional: 5,
    maxNotional: 9_000_000,
  };
}

export const binancePairs: readonly PairSpec[] = [
  pair('BTC', 67_000, 0.01, 0.00001, 0.0008, 20_000),
  pair('ETH', 3_500, 0.01, 0.0001, 0.001, 20_000),
  pair('BNB', 600, 0.01, 0.001, 0.001, 10_000),
];

/** Binance's decimal strings: fixed 8 places ("0.00100000"), as every amount on the wire. */
export function dec(n: number): string {
  return (Math.round(n * 1e8) / 1e8).toFixed(8);
}
