/** Instrument search: what matches, in what order, and across connections. */
import { describe, expect, it } from 'vitest';
import type { Instrument } from '../../src/shared/domain';
import { searchIndex, searchInstruments } from '../../src/renderer/search/instrumentSearch';

const inst = (symbol: string, name: string, connectionId = 'paper'): Instrument => ({
  symbol,
  name,
  connectionId,
  assetClass: 'future',
  tickSize: 0.25,
  multiplier: 50,
  currency: 'USD',
  qtyStep: 1,
  pricePrecision: 2,
});

const instruments = [
  inst('ESZ6', 'E-mini S&P 500 Dec 2026'),
  inst('ES', 'E-mini S&P 500'),
  inst('ES', 'E-mini S&P 500', 'gw'),
  inst('MES', 'Micro E-mini S&P 500'),
  inst('NQ', 'E-mini Nasdaq-100'),
  inst('BTC/USDT', 'Bitcoin / Tether', 'binance'),
  inst('ETHUSDT', 'Ethereum / Tether', 'binance'),
];
const index = searchIndex(instruments);
const found = (q: string) => searchInstruments(index, q).matches.map((i) => `${i.connectionId}:${i.symbol}`);

describe('searchInstruments', () => {
  it('puts the exact symbol first, on every connection that lists it, then prefixes, then the rest', () => {
    expect(found('es')).toEqual(['gw:ES', 'paper:ES', 'paper:ESZ6', 'paper:MES']);
  });

  it('matches descriptions by word and symbols without their separators', () => {
    expect(found('bitcoin')).toEqual(['binance:BTC/USDT']);
    expect(found('btcusdt')).toEqual(['binance:BTC/USDT']);
    expect(found('nasdaq')).toEqual(['paper:NQ']);
    expect(found('tether')).toEqual(['binance:ETHUSDT', 'binance:BTC/USDT']);
  });

  it('needs every word of the query to match, and allows letters in order', () => {
    expect(found('micro s&p')).toEqual(['paper:MES']);
    expect(found('esz')).toEqual(['paper:ESZ6']);
    expect(found('ethusd')).toEqual(['binance:ETHUSDT']);
    expect(found('etht')).toEqual(['binance:ETHUSDT']);
    expect(found('eth6')).toEqual([]);
    expect(found('zzz')).toEqual([]);
  });

  it('lists everything for an empty query, capped, with the full count', () => {
    const r = searchInstruments(index, '  ', 3);
    expect(r.matches).toHaveLength(3);
    expect(r.total).toBe(instruments.length);
  });

  it('caps results but counts every match among thousands', () => {
    const many = searchIndex(
      Array.from({ length: 2000 }, (_, n) => inst(`T${n}USDT`, `Token ${n} / Tether`, 'binance')),
    );
    const r = searchInstruments(many, 'usdt', 50);
    expect(r.matches).toHaveLength(50);
    expect(r.total).toBe(2000);
    expect(searchInstruments(many, 't1999usdt').matches[0]?.symbol).toBe('T1999USDT');
  });
});
