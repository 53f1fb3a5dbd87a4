/** The one average-cost fold the ledger, the paper broker and the simulators share. */
import { describe, expect, it } from 'vitest';
import { type CostBasis, foldAverageCost } from '../../src/shared/averageCost';
import { roundToStep } from '../../src/shared/money';

describe('foldAverageCost', () => {
  it('averages adds in and realizes reductions against the average', () => {
    const b: CostBasis = { qty: 0, avgPrice: 0 };
    expect(foldAverageCost(b, 10, 100)).toBe(0);
    expect(foldAverageCost(b, 10, 110)).toBe(0);
    expect(b).toEqual({ qty: 20, avgPrice: 105 });
    expect(foldAverageCost(b, -5, 115)).toBe(50);
    expect(b).toEqual({ qty: 15, avgPrice: 105 });
  });

  it('re-opens a flip at the fill price and resets the average when flat', () => {
    const b: CostBasis = { qty: -3, avgPrice: 50 };
    expect(foldAverageCost(b, 5, 40)).toBe(30);
    expect(b).toEqual({ qty: 2, avgPrice: 40 });
    expect(foldAverageCost(b, -2, 41)).toBe(2);
    expect(b).toEqual({ qty: 0, avgPrice: 0 });
  });

  it('keeps quantities on the venue step', () => {
    const b: CostBasis = { qty: 0, avgPrice: 0 };
    for (let i = 0; i < 3; i++) foldAverageCost(b, 0.1, 10, (q) => roundToStep(q, 0.0001));
    expect(b.qty).toBe(0.3);
  });
});
