/**
 * The simulated venue's book around the touch, and the paper broker's depth built from it: level 0
 * is the quote itself, deeper levels step one tick away on the grid with sizes on the quantity
 * step, and a level that did not move keeps its size.
 */
import { describe, expect, it } from 'vitest';
import { syntheticBook } from '../../src/exchange/depth';
import { PaperExchange } from '../../src/main/core/paper/exchange';
import { isOnStep, isOnTick } from '../../src/shared/money';

const shape = { tickSize: 0.25, qtyStep: 1, bookSize: 20, levels: 10, symbol: 'ES' };

describe('syntheticBook', () => {
  it('starts at the touch and steps one tick per level, bids down and asks up', () => {
    const b = syntheticBook({ bid: 5000, ask: 5000.25, bidSize: 12, askSize: 7 }, shape);
    expect(b.bids[0]).toEqual([5000, 12]);
    expect(b.asks[0]).toEqual([5000.25, 7]);
    expect(b.bids.map((l) => l[0])).toEqual([...Array(10).keys()].map((i) => 5000 - i * 0.25));
    expect(b.asks.map((l) => l[0])).toEqual([...Array(10).keys()].map((i) => 5000.25 + i * 0.25));
    for (const [, size] of [...b.bids, ...b.asks]) {
      expect(size).toBeGreaterThan(0);
      expect(Number.isInteger(size)).toBe(true);
    }
  });

  it('keeps the size of a level that stays in the book when the touch moves away from it', () => {
    const a = syntheticBook({ bid: 5000, ask: 5000.25, bidSize: 12, askSize: 7 }, shape);
    const b = syntheticBook({ bid: 5000.25, ask: 5000.5, bidSize: 9, askSize: 3 }, shape);
    const at = (levels: [number, number][], p: number) => levels.find((l) => l[0] === p)?.[1];
    // 4999.50 was 2 levels deep and is now 3: its wobble is the same, its depth factor grew.
    expect(at(b.bids, 4999.5)).toBeGreaterThanOrEqual(at(a.bids, 4999.5) ?? 0);
    // The same touch gives the same book.
    expect(syntheticBook({ bid: 5000, ask: 5000.25, bidSize: 12, askSize: 7 }, shape)).toEqual(a);
  });

  it('stops at zero rather than pricing a level below it', () => {
    const b = syntheticBook({ bid: 0.5, ask: 0.75, bidSize: 1, askSize: 1 }, shape);
    expect(b.bids.map((l) => l[0])).toEqual([0.5, 0.25]);
    expect(b.asks).toHaveLength(10);
  });
});

describe('PaperExchange.depth', () => {
  it('matches each quote: the touch with its sizes, then levels on the grid and the quantity step', () => {
    const ex = new PaperExchange({ seed: 9, historyMinutes: 5 });
    for (const inst of ex.instruments()) {
      for (let i = 0; i < 25; i++) {
        ex.step();
        const q = ex.quote(inst.symbol);
        const d = ex.depth(inst.symbol);
        if (q === undefined || d === undefined) throw new Error(`no market for ${inst.symbol}`);
        expect(d.bids[0]).toEqual([q.bid, q.bidSize]);
        expect(d.asks[0]).toEqual([q.ask, q.askSize]);
        expect(d.bids.length).toBe(10);
        expect(d.asks.length).toBe(10);
        for (const [price, size] of [...d.bids, ...d.asks]) {
          expect(isOnTick(price, inst.tickSize)).toBe(true);
          expect(isOnStep(size, inst.qtyStep)).toBe(true);
        }
        // Sorted away from the touch, never crossed.
        const bidPrices = d.bids.map((l) => l[0]);
        const askPrices = d.asks.map((l) => l[0]);
        expect(bidPrices).toEqual([...bidPrices].sort((a, b) => b - a));
        expect(askPrices).toEqual([...askPrices].sort((a, b) => a - b));
        expect(Math.max(...bidPrices)).toBeLessThan(Math.min(...askPrices));
      }
    }
    expect(ex.depth('NOPE')).toBeUndefined();
  });
});
