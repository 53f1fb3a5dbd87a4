/**
 * A simulated market's order book around the touch: the venue's own resting liquidity, which the
 * price process only describes at the best bid and ask. Level 0 of each side is the quote itself
 * (its price and displayed size); deeper levels step one tick away each and hold a size that grows
 * with the distance from the touch and varies by price. The size at a price is a pure function of
 * the symbol, the price and its distance from the touch, so a level that does not move keeps its
 * size from one snapshot to the next (a ladder row changes only when the book there changed).
 *
 * It is the venue's liquidity only: the trader's own resting paper orders are not added to it
 * (they show in the ladder's order columns, and the paper matcher fills them against the touch).
 */
import { roundToStep } from '../shared/money';
import type { DepthLevel } from '../shared/domain';

export interface BookTouch {
  bid: number;
  ask: number;
  bidSize: number;
  askSize: number;
}

export interface BookShape {
  tickSize: number;
  qtyStep: number;
  /** Typical displayed size at the top of the book, in qty steps (the market spec's `bookSize`). */
  bookSize: number;
  /** Levels per side, touch included. */
  levels: number;
  /** Varies the sizes per symbol. */
  symbol: string;
}

export interface SyntheticBook {
  /** Highest first. */
  bids: DepthLevel[];
  /** Lowest first. */
  asks: DepthLevel[];
}

export function syntheticBook(touch: BookTouch, shape: BookShape): SyntheticBook {
  const seed = hashString(shape.symbol);
  const tick = shape.tickSize;
  const side = (best: number, bestSize: number, dir: 1 | -1): DepthLevel[] => {
    const out: DepthLevel[] = [];
    if (!(best > 0)) return out;
    const bestTick = Math.round(best / tick);
    out.push([roundToStep(best, tick), bestSize]);
    for (let i = 1; i < shape.levels; i++) {
      const t = bestTick + dir * i;
      if (t <= 0) break;
      // Thicker away from the touch, with a stable per-price wobble of 0.5x to 1.5x.
      const steps = Math.max(1, Math.round(shape.bookSize * (1 + 0.3 * i) * (0.5 + unit(seed ^ t))));
      out.push([roundToStep(t * tick, tick), roundToStep(steps * shape.qtyStep, shape.qtyStep)]);
    }
    return out;
  };
  return { bids: side(touch.bid, touch.bidSize, -1), asks: side(touch.ask, touch.askSize, 1) };
}

function hashString(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** A well-mixed integer hash to [0, 1). */
function unit(x: number): number {
  let h = x | 0;
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}
