import { describe, expect, it } from 'vitest';
import {
  decimalsOf,
  formatAverage,
  formatMid,
  formatMoney,
  formatNumber,
  formatPrice,
  formatPriceInput,
  formatQuantity,
  formatTrimmed,
  moveInTicks,
  priceDigits,
} from '../../src/shared/money';

const ES = { tickSize: 0.25, pricePrecision: 2 };
const FX = { tickSize: 0.00001, pricePrecision: 5 };

describe('decimals of a step', () => {
  it('reads plain and exponent forms', () => {
    expect(decimalsOf(0.25)).toBe(2);
    expect(decimalsOf(1)).toBe(0);
    expect(decimalsOf(0.00001)).toBe(5);
    expect(decimalsOf(1e-8)).toBe(8);
    expect(decimalsOf(1.5e-7)).toBe(8);
    expect(decimalsOf(25)).toBe(0);
  });
});

describe('numbers', () => {
  it('groups thousands and never shows float noise or negative zero', () => {
    expect(formatNumber(1234567.891, 2)).toBe('1,234,567.89');
    expect(formatNumber(0.1 + 0.2, 2)).toBe('0.30');
    expect(formatNumber(-0, 2)).toBe('0.00');
    expect(formatNumber(-0.001, 2)).toBe('0.00');
    expect(formatNumber(-1234.5, 1)).toBe('-1,234.5');
    expect(formatNumber(1e15, 0)).toBe('1,000,000,000,000,000');
    expect(formatNumber(Number.NaN, 2)).toBe('—');
    expect(formatTrimmed(1.3946999999999998)).toBe('1.3947');
    expect(formatTrimmed(12)).toBe('12');
    expect(formatTrimmed(-0.000000001)).toBe('0');
  });
});

describe('prices', () => {
  it('are shown on the tick, at the tick decimals, grouped', () => {
    expect(formatPrice(5424.63, ES)).toBe('5,424.75');
    expect(formatPrice(5424.6, ES)).toBe('5,424.50');
    expect(formatPrice(19310.5, ES)).toBe('19,310.50');
    expect(formatPrice(999.75, ES)).toBe('999.75');
    expect(formatPrice(1.0862349999, FX)).toBe('1.08623');
    expect(formatPrice(0, ES)).toBe('0.00');
    expect(formatPrice(-0.1, ES)).toBe('0.00');
    expect(formatPrice(-12.3, ES)).toBe('-12.25');
    expect(formatPrice(null, ES)).toBe('—');
    expect(formatPrice(undefined)).toBe('—');
    expect(formatPrice(67412.35)).toBe('67,412.35');
  });

  it('take enough decimals for the tick even when the precision says fewer', () => {
    expect(priceDigits({ tickSize: 0.005, pricePrecision: 2 })).toBe(3);
    expect(priceDigits({ tickSize: 1, pricePrecision: 2 })).toBe(2);
    expect(priceDigits({ tickSize: 1e-8, pricePrecision: 2 })).toBe(8);
    expect(formatPrice(0.000123456789, { tickSize: 1e-8, pricePrecision: 2 })).toBe('0.00012346');
  });

  it('go into a field without separators', () => {
    expect(formatPriceInput(5424.63, ES)).toBe('5424.75');
    expect(formatPriceInput(67412.35, { tickSize: 0.01, pricePrecision: 2 })).toBe('67412.35');
  });

  it('show a mid between ticks on the half tick, and say so', () => {
    expect(formatMid(5424.625, ES)).toEqual({ text: '5,424.625', offTick: true });
    expect(formatMid(5424.5, ES)).toEqual({ text: '5,424.50', offTick: false });
    expect(formatMid(227.525, { tickSize: 0.01, pricePrecision: 2 })).toEqual({
      text: '227.525',
      offTick: true,
    });
    expect(formatMid(5424.6300001, ES)).toEqual({ text: '5,424.625', offTick: true });
  });
});

describe('quantities', () => {
  it('are shown at the step, grouped', () => {
    expect(formatQuantity(1250, 1)).toBe('1,250');
    expect(formatQuantity(0.015, 0.0001)).toBe('0.0150');
    expect(formatQuantity(1.3946999999999998, 0.0001)).toBe('1.3947');
    expect(formatQuantity(0.12345678, 1e-8)).toBe('0.12345678');
    expect(formatQuantity(-3, 1)).toBe('-3');
    expect(formatQuantity(-0, 1)).toBe('0');
    expect(formatQuantity(1.3946999999999998)).toBe('1.3947');
    expect(formatQuantity(123456789)).toBe('123,456,789');
  });
});

describe('money', () => {
  it('is signed after rounding to cents, grouped, in its currency', () => {
    expect(formatMoney(1234.5)).toBe('+$1,234.50');
    expect(formatMoney(-0.004)).toBe('$0.00');
    expect(formatMoney(-0.005001)).toBe('-$0.01');
    expect(formatMoney(-1_234_567.891, 'EUR')).toBe('-1,234,567.89 EUR');
    expect(formatMoney(0)).toBe('$0.00');
    expect(formatMoney(1e12)).toBe('+$1,000,000,000,000.00');
  });
});

describe('ticks', () => {
  it('count the move in the position’s favour', () => {
    expect(moveInTicks(5424, 5425.5, 'long', 0.25)).toBe(6);
    expect(moveInTicks(5424, 5425.5, 'short', 0.25)).toBe(-6);
    expect(moveInTicks(5424, 5424.125, 'long', 0.25)).toBe(0.5);
    expect(moveInTicks(5424, 5424, 'short', 0.25)).toBe(0);
    expect(Object.is(moveInTicks(5424, 5424, 'short', 0.25), -0)).toBe(false);
  });
});

describe('formatAverage', () => {
  const es = { pricePrecision: 2, tickSize: 0.25 };
  it('never rounds an average of fills to the tick', () => {
    expect(formatAverage(5425.625, es)).toBe('5,425.625');
    expect(formatAverage(5425.75, es)).toBe('5,425.75');
    expect(formatAverage(67412.33749999999, { pricePrecision: 2, tickSize: 0.01 })).toBe('67,412.3375');
    expect(formatAverage(null, es)).toBe('—');
  });
});
