/** Round trips from fills: FIFO lots, scale-ins, partial exits, reversals, fees, ticks. */
import { describe, expect, it } from 'vitest';
import { pairRoundTrips } from '../../../../src/main/core/journal/pairing';
import type { RecordedFill } from '../../../../src/main/core/journal/record';
import type { Side } from '../../../../src/shared/domain';

let seq = 0;
/** An ES fill (tick 0.25, $50 a point): `side qty @ price`, $2.25 a contract. */
function es(side: Side, qty: number, price: number, ts: number, symbol = 'ES'): RecordedFill {
  seq++;
  return {
    v: 1,
    fill: {
      id: `X${seq}`,
      orderId: `O${seq}`,
      connectionId: 'paper',
      accountId: 'PAPER-1',
      symbol,
      side,
      qty,
      price,
      commission: 2.25 * qty,
      ts,
    },
    tickSize: 0.25,
    multiplier: 50,
    currency: 'USD',
    assetClass: 'future',
    recordedAt: ts,
  };
}

describe('pairRoundTrips', () => {
  it('pairs a buy and a sell into one closed long trip with P&L in dollars and ticks', () => {
    const [t, ...rest] = pairRoundTrips([es('buy', 1, 5000, 1_000), es('sell', 1, 5002.5, 61_000)]);
    expect(rest).toEqual([]);
    expect(t).toMatchObject({
      direction: 'long',
      qty: 1,
      closedQty: 1,
      entryPrice: 5000,
      exitPrice: 5002.5,
      entryTime: 1_000,
      exitTime: 61_000,
      durationMs: 60_000,
      pnl: 125,
      pnlTicks: 10,
      fees: 4.5,
      netPnl: 120.5,
      currency: 'USD',
      open: false,
    });
  });

  it('matches exits FIFO after scale-ins, keeps the trip open through a partial exit', () => {
    const fills = [es('buy', 1, 5000, 1), es('buy', 2, 5004, 2), es('sell', 1, 5006, 3)];
    const [open] = pairRoundTrips(fills);
    // FIFO: the sell closes the 5000 lot (+6 points), not the average (5002.67).
    expect(open).toMatchObject({ open: true, qty: 3, closedQty: 1, pnl: 300, pnlTicks: 24, exitTime: null });
    expect(open?.entryPrice).toBeCloseTo(5002.6666667, 6);
    const [closed] = pairRoundTrips([...fills, es('sell', 2, 5002, 4)]);
    // Then the two 5004 lots at 5002: −2 points each.
    expect(closed).toMatchObject({ open: false, qty: 3, closedQty: 3, pnl: 300 - 200 });
    expect(closed?.exitPrice).toBeCloseTo(5003.3333333, 6);
    expect(closed?.fees).toBe(13.5);
    expect(closed?.fillIds).toHaveLength(4);
  });

  it('splits a reversal: the flattening part closes the trip, the rest opens a short one', () => {
    const trips = pairRoundTrips([es('buy', 2, 5000, 1), es('sell', 5, 4999, 2), es('buy', 3, 4995, 3)]);
    expect(trips).toHaveLength(2);
    const [long, short] = trips;
    expect(long).toMatchObject({
      direction: 'long',
      qty: 2,
      pnl: -100,
      pnlTicks: -4,
      exitTime: 2,
      open: false,
    });
    // 4.5 entry + 2/5 of the 11.25 reversal fee.
    expect(long?.fees).toBe(9);
    expect(short).toMatchObject({ direction: 'short', qty: 3, entryPrice: 4999, exitPrice: 4995, pnl: 600 });
    expect(short?.fees).toBe(6.75 + 6.75);
    expect(short?.netPnl).toBe(600 - 13.5);
    expect(short?.id).toContain(':X'); // keyed by the reversal fill
  });

  it('keeps accounts and symbols apart and orders fills by time, not arrival', () => {
    const trips = pairRoundTrips([
      es('sell', 1, 101, 20, 'NQ'),
      es('buy', 1, 5000, 5),
      es('buy', 1, 100, 10, 'NQ'),
      es('sell', 1, 5001, 30),
    ]);
    expect(trips.map((t) => [t.symbol, t.pnl])).toEqual([
      ['NQ', 50],
      ['ES', 50],
    ]);
  });

  it('has no float tails in fractional quantities', () => {
    const btc = (side: Side, qty: number, price: number, ts: number): RecordedFill => ({
      ...es(side, qty, price, ts, 'BTC'),
      tickSize: 0.01,
      multiplier: 1,
    });
    const [t] = pairRoundTrips([btc('buy', 0.1, 100, 1), btc('buy', 0.2, 100, 2), btc('sell', 0.3, 110, 3)]);
    expect(t).toMatchObject({ qty: 0.3, closedQty: 0.3, pnl: 3, open: false });
  });

  it('never opens a short on a spot account: a sell of a balance from before the journal is unmatched', () => {
    const unmatched: number[] = [];
    const btc = (side: Side, price: number, ts: number): RecordedFill => {
      const r = es(side, 1, price, ts, 'BTCUSDT');
      return {
        ...r,
        fill: { ...r.fill, commission: 0 },
        tickSize: 0.01,
        multiplier: 1,
        assetClass: 'crypto',
      };
    };
    const fills = [btc('sell', 100, 1), btc('buy', 90, 2), btc('sell', 95, 3)];
    const trips = pairRoundTrips(fills, { spot: () => true, onUnmatched: (_r, q) => unmatched.push(q) });
    expect(trips).toHaveLength(1);
    expect(trips[0]).toMatchObject({ direction: 'long', pnl: 5, open: false, entryPrice: 90, exitPrice: 95 });
    expect(unmatched).toEqual([1]);
    // Without the spot rule the same fills invent a short.
    expect(pairRoundTrips(fills).map((t) => t.direction)).toEqual(['short', 'short']);
  });

  it('starts a trip from the position held before the journal, at the broker average, flagged', () => {
    const seed = es('buy', 2, 5000, 10);
    const opening: RecordedFill = {
      ...seed,
      opening: true,
      fill: { ...seed.fill, id: 'before-journal:X', commission: 0 },
    };
    const [t] = pairRoundTrips([opening, es('sell', 2, 5001, 10)]);
    expect(t).toMatchObject({
      direction: 'long',
      pnl: 100,
      openedBeforeJournal: true,
      durationMs: null,
      open: false,
      fees: 4.5,
    });
    expect(t?.fillIds).toHaveLength(1);
  });

  it('gives ticks for futures only', () => {
    const crypto = (r: RecordedFill): RecordedFill => ({
      ...r,
      tickSize: 0.01,
      multiplier: 1,
      assetClass: 'crypto',
    });
    const [t] = pairRoundTrips([crypto(es('buy', 1, 100, 1)), crypto(es('sell', 1, 110, 2))]);
    expect(t).toMatchObject({ pnl: 10, pnlTicks: null, assetClass: 'crypto' });
  });
});
