/** The ticket's one account picker across the connections that list the symbol. */
import { describe, expect, it } from 'vitest';
import { accountText, ticketAccounts } from '../../src/renderer/ticket/accounts';
import type { Account, Instrument } from '../../src/shared/domain';

function account(connectionId: string, accountId: string, name = accountId): Account {
  return {
    connectionId,
    accountId,
    name,
    mode: 'demo',
    currency: 'USD',
    cash: 0,
    equity: 0,
    realizedPnl: 0,
    unrealizedPnl: 0,
    fees: 0,
    dayPnl: 0,
    verified: true,
  };
}

function listing(connectionId: string, symbol: string): [string, Instrument] {
  return [
    `${connectionId}:${symbol}`,
    {
      symbol,
      name: symbol,
      assetClass: 'future',
      tickSize: 0.25,
      multiplier: 50,
      currency: 'USD',
      qtyStep: 1,
      pricePrecision: 2,
      connectionId,
    },
  ];
}

describe('ticketAccounts', () => {
  const accounts = [
    account('tradovate', 'DEMO123'),
    account('paper', 'PAPER-1'),
    account('alpaca', 'PA1'),
    account('gateway', 'GW1'),
  ];
  const instruments = new Map([
    listing('paper', 'ES'),
    listing('tradovate', 'ES'),
    listing('gateway', 'ES'),
    listing('alpaca', 'AAPL'),
  ]);
  const connections = new Map([['gateway', { trading: false }]]);

  it('offers every tradable account whose connection lists the symbol, the shown listing first', () => {
    const shown = { connectionId: 'paper', symbol: 'ES' };
    expect(ticketAccounts(accounts, connections, instruments, shown).map((a) => a.accountId)).toEqual([
      'PAPER-1',
      'DEMO123',
    ]);
  });

  it('offers nothing without a symbol, and only listing connections for another symbol', () => {
    expect(ticketAccounts(accounts, connections, instruments, undefined)).toEqual([]);
    const aapl = { connectionId: 'alpaca', symbol: 'AAPL' };
    expect(ticketAccounts(accounts, connections, instruments, aapl).map((a) => a.accountId)).toEqual(['PA1']);
  });

  it('names the connection and the account', () => {
    expect(accountText(account('paper', 'PAPER-1'), 'Paper')).toBe('Paper · PAPER-1');
    expect(accountText(account('tv', 'DEMO123', 'Swing'), undefined)).toBe('tv · Swing (DEMO123)');
  });
});
