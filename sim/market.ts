/**
 * The simulators' market: the shared venue (`src/exchange`) with a default list of US stocks, so
 * every simulator replays the same tape from one seed as the paper broker does with its own.
 */
import type { Instrument } from '../src/shared/domain';
import type { MarketSpec } from '../src/exchange/spec';
import { Venue } from '../src/exchange/venue';

function stock(
  symbol: string,
  name: string,
  startPrice: number,
  minuteVol: number,
  bookSize: number,
): MarketSpec {
  const instrument: Instrument = {
    symbol,
    name,
    assetClass: 'stock',
    tickSize: 0.01,
    multiplier: 1,
    currency: 'USD',
    qtyStep: 1,
    pricePrecision: 2,
    connectionId: 'sim',
  };
  return { instrument, startPrice, minuteVol, bookSize, spreadTicks: 1 };
}

export const defaultSymbols: readonly MarketSpec[] = [
  stock('AAPL', 'Apple Inc.', 175.5, 0.0006, 300),
  stock('TSLA', 'Tesla Inc.', 245.75, 0.0012, 200),
  stock('NVDA', 'NVIDIA Corp.', 520.5, 0.001, 250),
  stock('MSFT', 'Microsoft Corp.', 410.2, 0.0005, 200),
  stock('SPY', 'SPDR S&P 500 ETF', 590.1, 0.0003, 800),
];

/** A venue over `symbols`, seeded, opened at `now`. */
export function createMarket(
  seed = 1,
  symbols: readonly MarketSpec[] = defaultSymbols,
  now = Date.now(),
): Venue {
  return new Venue(symbols, seed, now);
}

export type { Venue } from '../src/exchange/venue';
