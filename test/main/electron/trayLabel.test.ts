import { describe, expect, it } from 'vitest';
import { trayLabel, trayTitle } from '../../../src/main/electron/trayLabel';

describe('tray P&L label', () => {
  const pnl = { totalPnl: 1234.5, dayPnl: 310, unrealizedPnl: 100, currency: 'USD', unverified: false };

  it('shows total and day P&L', () => {
    expect(trayLabel(pnl)).toBe('Peregrine — P&L +$1,234.50 (day +$310.00)');
    expect(trayTitle(pnl)).toBe('+$1,234.50');
  });

  it('shows losses with a minus sign', () => {
    expect(trayLabel({ ...pnl, totalPnl: -50.25, dayPnl: -1 })).toBe('Peregrine — P&L -$50.25 (day -$1.00)');
  });

  it('says UNVERIFIED while the ledger has not reconciled', () => {
    expect(trayLabel({ ...pnl, unverified: true })).toMatch(/UNVERIFIED$/);
    expect(trayTitle({ ...pnl, unverified: true })).toMatch(/UNVERIFIED$/);
  });
});
