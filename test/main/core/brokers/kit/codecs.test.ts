import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { decimal, isoTime, listOf, optionalDecimal } from '../../../../../src/main/core/brokers/kit/codecs';
import { OutOfOrderGate } from '../../../../../src/main/core/brokers/kit/gate';

describe('codecs', () => {
  it('decimal: numbers as strings or numbers, exponent and spaces; nothing non-finite', () => {
    for (const [raw, n] of [
      ['190.25', 190.25],
      [' -12.50 ', -12.5],
      ['+3', 3],
      ['.5', 0.5],
      ['1e-8', 1e-8],
      [42, 42],
    ] as const)
      expect(decimal.parse(raw)).toBe(n);
    for (const bad of ['', 'abc', '1,5', 'NaN', Infinity, null])
      expect(decimal.safeParse(bad).success).toBe(false);
    expect(optionalDecimal.parse(null)).toBeNull();
    expect(optionalDecimal.parse(undefined)).toBeUndefined();
  });

  it('isoTime: ISO strings, epoch ms and epoch seconds (as numbers or digit strings) to epoch ms', () => {
    const ms = Date.UTC(2026, 0, 5, 15, 0, 2, 500);
    expect(isoTime.parse('2026-01-05T15:00:02.500Z')).toBe(ms);
    expect(isoTime.parse(ms)).toBe(ms);
    expect(isoTime.parse(String(ms))).toBe(ms);
    expect(isoTime.parse(ms / 1000)).toBe(ms);
    expect(isoTime.safeParse('yesterday').success).toBe(false);
  });

  it('listOf: an array, one object where a list was documented, or nothing', () => {
    const L = listOf(z.object({ id: z.string() }));
    expect(L.parse([{ id: 'a' }, { id: 'b' }])).toEqual([{ id: 'a' }, { id: 'b' }]);
    expect(L.parse({ id: 'a' })).toEqual([{ id: 'a' }]);
    expect(L.parse(null)).toEqual([]);
    expect(L.parse(undefined)).toEqual([]);
    expect(L.safeParse([{ id: 1 }]).success).toBe(false);
    // As an object key it may be missing altogether.
    expect(z.object({ list: L }).parse({})).toEqual({ list: [] });
  });
});

describe('OutOfOrderGate', () => {
  it('drops an older stamp per key, passes equal and newer ones, keys independent', () => {
    const g = new OutOfOrderGate();
    expect(g.fresh('p:AAPL', 10)).toBe(true);
    expect(g.fresh('p:AAPL', 9)).toBe(false);
    expect(g.fresh('p:AAPL', 10)).toBe(true);
    expect(g.fresh('p:TSLA', 1)).toBe(true);
    expect(g.fresh('p:AAPL', 11)).toBe(true);
  });

  it('stays bounded, forgetting the least recently applied key first', () => {
    const g = new OutOfOrderGate(2);
    g.fresh('a', 5);
    g.fresh('b', 5);
    g.fresh('a', 6);
    g.fresh('c', 5);
    // "b" was forgotten, so an old stamp for it passes again; "a" is still remembered.
    expect(g.fresh('a', 1)).toBe(false);
    expect(g.fresh('b', 1)).toBe(true);
  });
});
