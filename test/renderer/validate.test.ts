import { describe, expect, it } from 'vitest';
import type { Instrument } from '../../src/shared/domain';
import { validateTicket, type TicketInput } from '../../src/renderer/ticket/validate';
import { ES } from '../main/core/fixtures';

// The shared ES test contract, listed by the paper connection as the UI sees it.
const es: Instrument = { ...ES, connectionId: 'paper' };
const btc: Instrument = {
  ...es,
  symbol: 'BTCUSDT',
  assetClass: 'crypto',
  tickSize: 0.01,
  qtyStep: 0.001,
  multiplier: 1,
};
const acct = { connectionId: 'paper', accountId: 'A1' };
const base: TicketInput = {
  side: 'buy',
  type: 'limit',
  tif: 'day',
  qty: '2',
  limitPrice: '5000.25',
  stopPrice: '',
};

describe('validateTicket', () => {
  it('reads a price grouped the way the terminal shows it, and refuses a misgrouped one', () => {
    const r = validateTicket({ ...base, limitPrice: '5,000.25', qty: '1,000' }, es, acct);
    expect(r.ok && r.request.limitPrice).toBe(5000.25);
    expect(r.ok && r.request.qty).toBe(1000);
    expect(validateTicket({ ...base, limitPrice: '50,00.25' }, es, acct).ok).toBe(false);
  });

  it('builds a request for a valid limit order', () => {
    const r = validateTicket(base, es, acct);
    expect(r).toEqual({
      ok: true,
      request: {
        connectionId: 'paper',
        accountId: 'A1',
        symbol: 'ES',
        side: 'buy',
        type: 'limit',
        qty: 2,
        tif: 'day',
        limitPrice: 5000.25,
      },
    });
  });

  it('rejects an off-tick limit price and a fractional contract quantity', () => {
    const r = validateTicket({ ...base, qty: '1.5', limitPrice: '5000.1' }, es, acct);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.qty).toMatch(/multiple of 1/);
    expect(r.errors.limitPrice).toMatch(/tick size 0.25/);
  });

  it('accepts crypto quantities on the step and prices on a cent tick', () => {
    expect(validateTicket({ ...base, qty: '0.015', limitPrice: '64000.01' }, btc, acct).ok).toBe(true);
    const r = validateTicket({ ...base, qty: '0.0015', limitPrice: '64000.01' }, btc, acct);
    expect(r.ok).toBe(false);
  });

  it('requires the prices its type needs and ignores the others', () => {
    const market = validateTicket({ ...base, type: 'market', limitPrice: 'junk' }, es, acct);
    expect(market.ok && market.request.limitPrice).toBe(undefined);
    const stopLimit = validateTicket({ ...base, type: 'stop_limit', stopPrice: '' }, es, acct);
    expect(!stopLimit.ok && stopLimit.errors.stopPrice).toMatch(/Enter a stop price/);
  });

  it('refuses text that Number() would accept', () => {
    for (const qty of ['1e2', '-1', '0x10', ' ', '0'])
      expect(validateTicket({ ...base, qty }, es, acct).ok).toBe(false);
  });

  it('needs an account', () => {
    const r = validateTicket(base, es, null);
    expect(!r.ok && r.errors.account).toMatch(/No account/);
  });
});
