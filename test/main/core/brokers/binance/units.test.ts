/** Spot cost basis in exact 1e-8 units: average, base-asset fees, and the P&L of a sale. */
import { describe, expect, it } from 'vitest';
import { CostBasis, toUnits } from '../../../../../src/main/core/brokers/binance/units';

describe('CostBasis', () => {
  it('books a sale against the average, exactly, and keeps the average of what is left', () => {
    const b = new CostBasis();
    b.buy(toUnits('0.3'), toUnits('67000.10'), toUnits('0.0003'));
    b.buy(toUnits('0.2'), toUnits('67010.35'), toUnits('0.0002'));
    // 0.2997 @ 67000.10 and 0.1998 @ 67010.35: average 67004.2
    expect(b.avgPrice()).toBe(67004.2);
    b.sell(toUnits('0.1'), 0n, toUnits('67100.00'));
    // (67100 − 67004.2) × 0.1 = 9.58, to the cent and beyond
    expect(b.realizedPnl()).toBe(9.58);
    expect(b.avgPrice()).toBe(67004.2);
  });

  it('a sale beyond what the history explains realizes only the explained part', () => {
    const b = new CostBasis();
    b.buy(toUnits('0.1'), toUnits('100'), 0n);
    b.sell(toUnits('0.3'), 0n, toUnits('110'));
    expect(b.realizedPnl()).toBe(1);
    expect(b.avgPrice()).toBeNull();
  });
});
