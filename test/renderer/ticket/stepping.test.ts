/** Ticket price stepping by ticks and quantity presets per instrument. */
import { describe, expect, it } from 'vitest';
import { qtyPresets, stepPrice } from '../../../src/renderer/ticket/stepping';

const es = { tickSize: 0.25, pricePrecision: 2, qtyStep: 1 };
const btc = { tickSize: 0.01, pricePrecision: 2, qtyStep: 0.0001 };
const zn = { tickSize: 1 / 64, pricePrecision: 6, qtyStep: 1 };

describe('stepPrice', () => {
  it('moves by ticks from what is typed, on the grid, without float noise', () => {
    expect(stepPrice('5000.25', 1, es, undefined)).toBe('5000.50');
    expect(stepPrice('5000.25', -10, es, undefined)).toBe('4997.75');
    expect(stepPrice('0.3', 1, btc, undefined)).toBe('0.31');
    expect(stepPrice('110.015625', 1, zn, undefined)).toBe('110.031250');
  });
  it('snaps an off-tick price first and starts an empty field from the market', () => {
    expect(stepPrice('5000.1', 1, es, undefined)).toBe('5000.25');
    expect(stepPrice('', -1, es, 5010)).toBe('5009.75');
    expect(stepPrice('abc', 1, es, undefined)).toBe('abc');
  });
  it('never goes below one tick', () => {
    expect(stepPrice('0.5', -10, es, undefined)).toBe('0.25');
  });
});

describe('qtyPresets', () => {
  it('offers 1/2/5/10 contracts and step multiples for fractional instruments', () => {
    expect(qtyPresets(es)).toEqual(['1', '2', '5', '10']);
    expect(qtyPresets(btc)).toEqual(['0.001', '0.01', '0.1', '1']);
  });

  it('offers decades a crypto trader means, not multiples of a tiny step', () => {
    // Binance BTCUSDT: step 0.00001.
    expect(qtyPresets({ qtyStep: 0.00001 })).toEqual(['0.001', '0.01', '0.1', '1']);
    expect(qtyPresets({ qtyStep: 0.00000001 })).toEqual(['0.001', '0.01', '0.1', '1']);
    // A coarser step starts the decades itself.
    expect(qtyPresets({ qtyStep: 0.01 })).toEqual(['0.01', '0.1', '1', '10']);
    expect(qtyPresets({ qtyStep: 0.5 })).toEqual(['0.5', '5', '50', '500']);
    // 0.001 is off a 0.0003 grid: the step's own decades, each still on the grid.
    expect(qtyPresets({ qtyStep: 0.0003 })).toEqual(['0.0003', '0.003', '0.03', '0.3']);
  });
});
