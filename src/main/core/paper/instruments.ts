/**
 * What the paper broker lists: futures, stocks and crypto with realistic tick grids, multipliers
 * and start prices, so every order path (contracts, shares, fractional coins) is exercised.
 */
import type { Instrument } from '../../../shared/domain';

export const PAPER_CONNECTION_ID = 'paper';

export interface PaperInstrument {
  instrument: Instrument;
  /** Price when the simulated session starts (on the tick grid). */
  startPrice: number;
  /** Typical per-minute volatility as a fraction of price, for the quiet/normal regime. */
  minuteVol: number;
  /** Typical displayed size at the top of the book, in qty steps. */
  bookSize: number;
  /** Typical spread in ticks. */
  spreadTicks: number;
  /** Initial margin as a fraction of notional; drives the buying-power check. */
  marginRate: number;
}

function inst(
  symbol: string,
  name: string,
  assetClass: Instrument['assetClass'],
  tickSize: number,
  multiplier: number,
  qtyStep: number,
  pricePrecision: number,
): Instrument {
  return {
    symbol,
    name,
    assetClass,
    tickSize,
    multiplier,
    currency: 'USD',
    qtyStep,
    pricePrecision,
    connectionId: PAPER_CONNECTION_ID,
  };
}

export const paperInstruments: readonly PaperInstrument[] = [
  {
    instrument: inst('ES', 'E-mini S&P 500 (sim)', 'future', 0.25, 50, 1, 2),
    startPrice: 5425.25,
    minuteVol: 0.0004,
    bookSize: 25,
    spreadTicks: 1,
    marginRate: 0.05,
  },
  {
    instrument: inst('NQ', 'E-mini Nasdaq-100 (sim)', 'future', 0.25, 20, 1, 2),
    startPrice: 19310.5,
    minuteVol: 0.0005,
    bookSize: 8,
    spreadTicks: 2,
    marginRate: 0.05,
  },
  {
    instrument: inst('AAPL', 'Apple Inc. (sim)', 'stock', 0.01, 1, 1, 2),
    startPrice: 227.52,
    minuteVol: 0.0006,
    bookSize: 300,
    spreadTicks: 1,
    marginRate: 0.5,
  },
  {
    instrument: inst('MSFT', 'Microsoft Corp. (sim)', 'stock', 0.01, 1, 1, 2),
    startPrice: 431.18,
    minuteVol: 0.0005,
    bookSize: 200,
    spreadTicks: 2,
    marginRate: 0.5,
  },
  {
    instrument: inst('NVDA', 'NVIDIA Corp. (sim)', 'stock', 0.01, 1, 1, 2),
    startPrice: 124.87,
    minuteVol: 0.001,
    bookSize: 500,
    spreadTicks: 1,
    marginRate: 0.5,
  },
  {
    instrument: inst('BTC-USD', 'Bitcoin / US Dollar (sim)', 'crypto', 0.01, 1, 0.0001, 2),
    startPrice: 67412.35,
    minuteVol: 0.0009,
    bookSize: 12000, // 1.2 BTC in 0.0001 steps
    spreadTicks: 50,
    marginRate: 1,
  },
  {
    instrument: inst('ETH-USD', 'Ether / US Dollar (sim)', 'crypto', 0.01, 1, 0.0001, 2),
    startPrice: 3521.64,
    minuteVol: 0.0011,
    bookSize: 150000, // 15 ETH
    spreadTicks: 10,
    marginRate: 1,
  },
];
