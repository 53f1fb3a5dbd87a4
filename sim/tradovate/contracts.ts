/**
 * The futures the Tradovate simulator lists: contract, maturity and product entities with the
 * broker's ids, tick size and value per point (MES $5 a point, ES $50, NQ $20), and the venue
 * specs the shared matcher trades them with. `prevPrice` is yesterday's settlement: it is what
 * Tradovate's position entity carries and what a naive tracker (seed 000) wrongly marks with.
 */
import type { MarketSpec } from '../../src/exchange/spec';
import type { Instrument } from '../../src/shared/domain';

export interface SimFuture {
  name: string;
  contractId: number;
  maturityId: number;
  productId: number;
  productName: string;
  description: string;
  tickSize: number;
  valuePerPoint: number;
  startPrice: number;
  /** Yesterday's settlement: deliberately away from today's prices. */
  prevPrice: number;
  minuteVol: number;
  bookSize: number;
}

export const futures: readonly SimFuture[] = [
  {
    name: 'MESZ6',
    contractId: 3570918,
    maturityId: 52001,
    productId: 2101,
    productName: 'MES',
    description: 'Micro E-mini S&P 500',
    tickSize: 0.25,
    valuePerPoint: 5,
    startPrice: 6812.5,
    prevPrice: 6760,
    minuteVol: 0.0004,
    bookSize: 40,
  },
  {
    name: 'ESZ6',
    contractId: 3570917,
    maturityId: 52002,
    productId: 2102,
    productName: 'ES',
    description: 'E-mini S&P 500',
    tickSize: 0.25,
    valuePerPoint: 50,
    startPrice: 6812.25,
    prevPrice: 6760,
    minuteVol: 0.0004,
    bookSize: 25,
  },
  {
    name: 'NQZ6',
    contractId: 3570920,
    maturityId: 52003,
    productId: 2103,
    productName: 'NQ',
    description: 'E-mini Nasdaq-100',
    tickSize: 0.25,
    valuePerPoint: 20,
    startPrice: 21450.5,
    prevPrice: 21300,
    minuteVol: 0.0005,
    bookSize: 15,
  },
];

export function futureSpecs(list: readonly SimFuture[] = futures): MarketSpec[] {
  return list.map((f) => {
    const instrument: Instrument = {
      symbol: f.name,
      name: f.description,
      assetClass: 'future',
      tickSize: f.tickSize,
      multiplier: f.valuePerPoint,
      currency: 'USD',
      qtyStep: 1,
      pricePrecision: 2,
      connectionId: 'sim',
    };
    return {
      instrument,
      startPrice: f.startPrice,
      minuteVol: f.minuteVol,
      bookSize: f.bookSize,
      spreadTicks: 1,
    };
  });
}

/** `contract` entity (REST `contract/item`), with an extra field real responses carry. */
export function contractEntity(f: SimFuture): Record<string, unknown> {
  return { id: f.contractId, name: f.name, contractMaturityId: f.maturityId, archived: false };
}

export function maturityEntity(f: SimFuture): Record<string, unknown> {
  return {
    id: f.maturityId,
    productId: f.productId,
    expirationMonth: 12,
    expirationDate: '2026-12-18T14:30:00.000Z',
    archived: false,
    seqNo: 1,
    isFront: true,
  };
}

export function productEntity(f: SimFuture): Record<string, unknown> {
  return {
    id: f.productId,
    name: f.productName,
    currencyId: 1,
    productType: 'Futures',
    description: f.description,
    exchangeId: 1,
    contractGroupId: 1,
    riskDiscountContractGroupId: 1,
    status: 'Verified',
    months: 'HMUZ',
    valuePerPoint: f.valuePerPoint,
    priceFormatType: 'Decimal',
    priceFormat: -2,
    tickSize: f.tickSize,
  };
}
