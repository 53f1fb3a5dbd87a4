import { describe, expect, it } from 'vitest';
import { isReadOnly, tradableAccounts } from '../../src/renderer/connections/trading';
import { markSource, markTitle } from '../../src/renderer/tables/mark';
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
  const quote = { bid: 5000, ask: 5000.25, last: 5000.25 };
  it('names the mid and the last trade', () => {
    expect(markSource(5000.125, quote)).toBe('mid');
    expect(markSource(5000.25, { bid: 0, ask: 5000.5, last: 5000.25 })).toBe('last');
    expect(markSource(4999, quote)).toBeNull();
    expect(markSource(null, quote)).toBeNull();
  });

  it('gives the exact off-tick mark in the tooltip', () => {
    expect(markTitle(5000.125, quote, 2)).toBe('Mark 5000.125 = mid of bid 5000.00 / ask 5000.25');
    expect(markTitle(null, quote, 2)).toMatch(/No live quote/);
  });
});
