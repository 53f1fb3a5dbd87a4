import { describe, expect, it } from 'vitest';
import type { Account } from '../../../src/shared/domain';
import { totalsByCurrency } from '../../../src/renderer/layout/totals';

function account(id: string, currency: string, equity: number, dayPnl: number, verified = true): Account {
  return {
    connectionId: 'c',
    accountId: id,
    name: id,
    mode: 'paper',
    currency,
    cash: equity,
    equity,
    realizedPnl: 0,
    unrealizedPnl: 0,
    fees: 0,
    dayPnl,
    verified,
  };
}

describe('top bar totals', () => {
  it('adds accounts per currency and never across currencies', () => {
    const totals = totalsByCurrency([
      account('a', 'USD', 100_000, 250.5),
      account('b', 'EUR', 50_000, -20),
      account('c', 'USD', 25_000.25, -100.25, false),
    ]);
    expect(totals).toEqual([
      { currency: 'USD', equity: 125_000.25, dayPnl: 150.25, accounts: 2, unverified: true },
      { currency: 'EUR', equity: 50_000, dayPnl: -20, accounts: 1, unverified: false },
    ]);
  });

  it('is empty without accounts', () => {
    expect(totalsByCurrency([])).toEqual([]);
  });
});
