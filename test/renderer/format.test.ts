import { describe, expect, it } from 'vitest';
import {
  formatAmount,
  formatPct,
  formatPnl,
  formatSignedQty,
  formatTicks,
  showsTicks,
  shownValue,
  signClass,
} from '../../src/renderer/format';

describe('figures are signed and coloured by what is shown', () => {
  it('never shows a red "-0.00%" for a tiny negative', () => {
    expect(formatPct(-0.004)).toBe('0.00%');
    expect(signClass(-0.004)).toBe('');
    expect(formatPct(-0.006)).toBe('-0.01%');
    expect(signClass(-0.006)).toBe('down');
    expect(formatPct(0.004)).toBe('0.00%');
    expect(formatPct(12.345)).toBe('+12.35%');
    expect(formatPct(null)).toBe('—');
  });

  it('rounds P&L to cents before choosing its sign', () => {
    expect(formatPnl(-0.001)).toBe('$0.00');
    expect(formatPnl(-0.005001)).toBe('-$0.01');
    expect(formatPnl(1234.5)).toBe('+$1,234.50');
    expect(formatPnl(-3, 'EUR')).toBe('-3.00 EUR');
    expect(shownValue(-0.0001)).toBe(0);
    expect(Object.is(shownValue(-0.0001), -0)).toBe(false);
  });

  it('colours a fractional quantity at the precision asked for', () => {
    expect(signClass(0.0001)).toBe('');
    expect(signClass(0.0001, 8)).toBe('up');
    expect(signClass(-2, 8)).toBe('down');
    expect(signClass(Number.NaN)).toBe('');
  });

  it('shows an amount such as equity with its currency and no plus sign', () => {
    expect(formatAmount(101_234.5)).toBe('$101,234.50');
    expect(formatAmount(-12)).toBe('-$12.00');
    expect(formatAmount(-0.001)).toBe('$0.00');
    expect(formatAmount(5, 'EUR')).toBe('5.00 EUR');
  });
});

describe('quantities and ticks as shown', () => {
  it('signs a quantity only when a non-zero figure shows', () => {
    expect(formatSignedQty(1250, 1)).toBe('+1,250');
    expect(formatSignedQty(-0.015, 0.0001)).toBe('-0.0150');
    expect(formatSignedQty(-0.00001, 0.0001)).toBe('0.0000');
    expect(formatSignedQty(2)).toBe('+2');
  });

  it('shows ticks whole, or to the half tick', () => {
    expect(formatTicks(6)).toBe('+6');
    expect(formatTicks(-2.5)).toBe('-2.5');
    expect(formatTicks(0)).toBe('0');
    expect(formatTicks(1234)).toBe('+1,234');
  });

  it('groups percentages', () => {
    expect(formatPct(1234.567)).toBe('+1,234.57%');
  });
});

describe('showsTicks', () => {
  it('shows ticks for futures only, the one rule for table, ticket and chart', () => {
    expect(showsTicks({ assetClass: 'future' })).toBe(true);
    expect(showsTicks({ assetClass: 'crypto' })).toBe(false);
    expect(showsTicks({ assetClass: 'stock' })).toBe(false);
    expect(showsTicks(undefined)).toBe(false);
  });
});
