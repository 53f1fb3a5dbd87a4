import { describe, expect, it } from 'vitest';
import { isOnTick } from '../../src/shared/money';
import { MarketSource } from '../../sim/market';

describe('market source', () => {
  it('is reproducible from its seed and differs across seeds', () => {
    const run = (seed: number) => {
      const m = new MarketSource(seed);
      return Array.from({ length: 50 }, (_, i) => m.step(1000, i * 1000).map((t) => t.last));
    };
    expect(run(7)).toEqual(run(7));
    expect(run(7)).not.toEqual(run(8));
  });

  it('keeps prices positive, on the tick grid, with bid < ask around last', () => {
    const m = new MarketSource(3);
    for (let i = 0; i < 2000; i++) {
      for (const t of m.step(1000, i)) {
        expect(t.last).toBeGreaterThan(0);
        expect(isOnTick(t.last, 0.01)).toBe(true);
        expect(t.bid).toBeLessThan(t.ask);
        expect(t.bid).toBeLessThanOrEqual(t.last);
        expect(t.ask).toBeGreaterThanOrEqual(t.last);
      }
    }
  });

  it('moves: a random walk, not a constant', () => {
    const m = new MarketSource(11);
    const start = m.price('AAPL');
    for (let i = 0; i < 600; i++) m.step(1000, i);
    expect(m.price('AAPL')).not.toBe(start);
  });
});
