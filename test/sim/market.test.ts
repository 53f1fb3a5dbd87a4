import { describe, expect, it } from 'vitest';
import { isOnTick } from '../../src/shared/money';
import { createMarket } from '../../sim/market';

describe('simulator market (the shared venue)', () => {
  it('is reproducible from its seed and differs across seeds', () => {
    const run = (seed: number) => {
      const m = createMarket(seed, undefined, 0);
      return Array.from({ length: 50 }, (_, i) => {
        m.advance(1000, i * 1000);
        return m.symbols().map((s) => m.price(s));
      });
    };
    expect(run(7)).toEqual(run(7));
    expect(run(7)).not.toEqual(run(8));
  });

  it('keeps prices positive and on the tick grid, with bid < ask', () => {
    const m = createMarket(3, undefined, 0);
    for (let i = 0; i < 800; i++) {
      m.step(i);
      for (const s of m.symbols()) {
        const q = m.quote(s);
        expect(q.last).toBeGreaterThan(0);
        expect(isOnTick(q.last, 0.01)).toBe(true);
        expect(isOnTick(q.bid, 0.01) && isOnTick(q.ask, 0.01)).toBe(true);
        expect(q.bid).toBeLessThan(q.ask);
      }
    }
  });

  it('moves: a random walk, not a constant', () => {
    const m = createMarket(11, undefined, 0);
    const start = m.price('AAPL');
    for (let i = 0; i < 600; i++) m.step(i);
    expect(m.price('AAPL')).not.toBe(start);
  });

  it('fills a market order at the touch, not at the last trade', () => {
    const m = createMarket(5, undefined, 0);
    for (let i = 0; i < 20; i++) m.step(i);
    const q = { ...m.quote('AAPL') };
    const fills: number[] = [];
    m.place(
      'AAPL',
      { id: 'x', side: 'buy', type: 'market', qty: 1 },
      { fill: (_s, _o, _q, px) => fills.push(px) },
    );
    expect(fills).toEqual([q.ask]);
  });
});
