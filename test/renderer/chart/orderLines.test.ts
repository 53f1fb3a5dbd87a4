import { describe, expect, it } from 'vitest';
import {
  bookLines,
  dropChange,
  orderLine,
  positionLine,
  type LineDrag,
  type PriceLineSpec,
} from '../../../src/renderer/chart/orderLines';
import type { Instrument, Position } from '../../../src/shared/domain';
import { ES, order } from '../../main/core/fixtures';

const BTC: Instrument = {
  ...ES,
  symbol: 'BTCUSDT',
  assetClass: 'crypto',
  tickSize: 0.01,
  qtyStep: 0.0001,
  pricePrecision: 2,
  multiplier: 1,
};

function position(over: Partial<Position> = {}): Position {
  return {
    key: 'c1:A1:ES',
    connectionId: 'c1',
    accountId: 'A1',
    symbol: 'ES',
    qty: 2,
    avgPrice: 5400,
    last: 5403.5,
    markedAt: 1,
    unrealizedPnl: 350,
    realizedPnl: 0,
    fees: 0,
    multiplier: 50,
    currency: 'USD',
    markSource: 'last',
    ...over,
  };
}

function dragOf(line: PriceLineSpec | undefined): LineDrag {
  if (line?.drag === undefined) throw new Error('not draggable');
  return line.drag;
}

describe('chart order lines', () => {
  it('draws a stop-limit as ONE line at its trigger with both prices, dragging both', () => {
    const o = order({ type: 'stop_limit', side: 'buy', qty: 2, stopPrice: 5430, limitPrice: 5431 });
    const lines = bookLines(ES, [o], []);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      key: 'o1:stp',
      price: 5430,
      label: 'BUY 2 STP 5,430.00 LMT 5,431.00',
      alsoPrices: [5431],
      drag: { orderId: 'o1', field: 'stopPrice', companion: { field: 'limitPrice', offset: 1 } },
    });
    // Dropped 3 ticks lower: the limit keeps its distance, on the grid.
    expect(dropChange(dragOf(lines[0]), 5429.25, ES.tickSize)).toEqual({
      stopPrice: 5429.25,
      limitPrice: 5430.25,
    });
  });

  it('labels a limit with side, remaining size and a grouped price; done orders are not drawn', () => {
    const lines = bookLines(
      ES,
      [order({ filledQty: 1, limitPrice: 5123.5 }), order({ id: 'o2', status: 'filled' })],
      [],
    );
    expect(lines.map((l) => [l.key, l.title, l.label])).toEqual([
      ['o1:lmt', 'BUY 2 LMT', 'BUY 2 LMT 5,123.50'],
    ]);
    expect(dropChange(dragOf(lines[0]), 5120, ES.tickSize)).toEqual({ limitPrice: 5120 });
  });

  it('shows quantity at the step and no drag while a change is in flight', () => {
    const l = orderLine(
      order({ symbol: 'BTCUSDT', qty: 0.0003, limitPrice: 65432.1, pendingAction: 'replace' }),
      BTC,
    );
    expect(l?.label).toBe('BUY 0.0003 LMT 65,432.10');
    expect(l?.drag).toBeUndefined();
  });

  it('puts quantity, open P&L and ticks on the position line', () => {
    expect(positionLine(position(), ES)).toMatchObject({
      key: 'pos:c1:A1:ES',
      price: 5400,
      title: 'LONG 2 · +$350.00 (+14 ticks)',
      label: 'LONG 2 @ 5,400.00 · +$350.00 (+14 ticks)',
    });
    expect(positionLine(position({ qty: -1, last: null, unrealizedPnl: 0 }), ES).title).toBe(
      'SHORT 1 · no mark',
    );
    // A mid mark half a tick away reads as such, not rounded to a whole tick.
    expect(positionLine(position({ last: 5400.375, unrealizedPnl: 37.5 }), ES).title).toBe(
      'LONG 2 · +$37.50 (+1.5 ticks)',
    );
  });

  it('shows no ticks where the positions table shows none (crypto has no tick value)', () => {
    const btc = position({
      key: 'c1:A1:BTCUSDT',
      symbol: 'BTCUSDT',
      qty: 0.4995,
      avgPrice: 67013.61,
      last: 67001.575,
    });
    expect(positionLine({ ...btc, unrealizedPnl: -6.01 }, BTC).title).toBe('LONG 0.4995 · -$6.01');
  });
});
