import { describe, expect, it } from 'vitest';
import { isReadOnly, tradableAccounts } from '../../src/renderer/connections/trading';
import { markTitle } from '../../src/renderer/tables/mark';
import { listingKey, sharedSymbols } from '../../src/renderer/watchlist/listings';

describe('watchlist listings', () => {
  it('finds symbols listed by more than one connection', () => {
    const shared = sharedSymbols([
      { connectionId: 'paper', symbol: 'ES' },
      { connectionId: 'paper', symbol: 'NQ' },
      { connectionId: 'gw', symbol: 'ES' },
      { connectionId: 'gw', symbol: 'AAPL' },
    ]);
    expect([...shared]).toEqual(['ES']);
    expect(listingKey({ connectionId: 'gw', symbol: 'ES' })).toBe('gw:ES');
  });

  it('does not flag a symbol repeated by the same connection', () => {
    expect(
      sharedSymbols([
        { connectionId: 'a', symbol: 'X' },
        { connectionId: 'a', symbol: 'X' },
      ]).size,
    ).toBe(0);
  });
});

describe('read-only connections', () => {
  it('blocks only an explicit trading: false', () => {
    expect(isReadOnly({ trading: false })).toBe(true);
    expect(isReadOnly({ trading: true })).toBe(false);
    expect(isReadOnly({})).toBe(false);
    expect(isReadOnly(undefined)).toBe(false);
  });

  it('keeps read-only connections out of the ticket’s accounts', () => {
    const connections = new Map([
      ['paper', { trading: true }],
      ['ro', { trading: false }],
      ['new', {}],
    ]);
    const accounts = [
      { connectionId: 'paper', accountId: 'P' },
      { connectionId: 'ro', accountId: 'R' },
      { connectionId: 'new', accountId: 'N' },
    ];
    expect(tradableAccounts(accounts, connections).map((a) => a.accountId)).toEqual(['P', 'N']);
  });
});

describe('position marks', () => {
  const quote = { bid: 5000, ask: 5000.25 };
  it('names the source the engine marked from, with the exact off-tick value', () => {
    const es = { pricePrecision: 2, tickSize: 0.25 };
    expect(markTitle({ last: 5000.125, markSource: 'mid' }, quote, es)).toBe(
      'Mark 5,000.125 = mid of bid 5,000.00 / ask 5,000.25',
    );
    expect(markTitle({ last: 5000.25, markSource: 'last' }, quote, es)).toMatch(/last trade/);
    expect(markTitle({ last: 5001, markSource: 'broker' }, undefined, es)).toMatch(/broker's own mark/);
    expect(markTitle({ last: null, markSource: null }, quote, es)).toMatch(/No live quote/);
  });
});
