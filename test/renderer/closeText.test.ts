/** The message after Close: what was cancelled, what stayed working, and terminal-managed protection. */
import { describe, expect, it } from 'vitest';
import type { Order } from '../../src/shared/domain';
import { closeOutcomeText, restingText, workingOn } from '../../src/renderer/tables/closeText';

function order(id: string, over: Partial<Order>): Order {
  return {
    id,
    clientOrderId: `c-${id}`,
    connectionId: 'paper',
    accountId: 'PAPER-1',
    symbol: 'ES',
    side: 'sell',
    type: 'stop',
    tif: 'gtc',
    qty: 1,
    filledQty: 0,
    avgFillPrice: null,
    limitPrice: null,
    stopPrice: 5400,
    status: 'working',
    rejectReason: null,
    heldBy: 'broker',
    createdAt: 1,
    updatedAt: 1,
    ...over,
  };
}

const price = (_o: Order, v: number) => v.toLocaleString('en-US', { minimumFractionDigits: 2 });
const closing = order('close', { type: 'market', stopPrice: null, status: 'filled', qty: 2 });

describe('closeOutcomeText', () => {
  it('says what stayed working', () => {
    const stop = order('s1', {});
    expect(closeOutcomeText('ES', [closing], [stop], price)).toBe(
      'Closed ES; 1 stop at 5,400.00 left working.',
    );
  });

  it('says how many orders were cancelled with the close', () => {
    const cancelled = [
      order('s1', { status: 'cancelled' }),
      order('t1', { type: 'limit', status: 'cancelled' }),
    ];
    expect(closeOutcomeText('ES', [...cancelled, closing], [], price)).toBe(
      'Closed ES and cancelled 2 orders.',
    );
  });

  it('names terminal-managed protection, left running or cancelled', () => {
    const leg = order('l1', { heldBy: 'terminal', list: { id: 'p1', type: 'oco', role: 'leg' } });
    expect(closeOutcomeText('ES', [closing], [leg], price)).toBe(
      'Closed ES; 1 stop at 5,400.00 left working — terminal-managed protection keeps running while Peregrine does.',
    );
    expect(closeOutcomeText('ES', [{ ...leg, status: 'cancelled' }, closing], [leg], price)).toBe(
      'Closed ES and cancelled 1 order — its terminal-managed protection is cancelled with it.',
    );
  });

  it('tells a sent closing order from a filled one', () => {
    expect(closeOutcomeText('ES', [{ ...closing, status: 'working' }], [], price)).toBe(
      'Closing order for ES sent.',
    );
  });
});

describe('restingText and workingOn', () => {
  it('describes a resting order by type and price', () => {
    expect(restingText(order('a', { type: 'limit', limitPrice: 5460.25, stopPrice: null }), price)).toBe(
      'limit at 5,460.25',
    );
    expect(restingText(order('b', { type: 'stop_limit', limitPrice: 5399, stopPrice: 5400 }), price)).toBe(
      'stop limit at 5,400.00',
    );
  });

  it('lists only the symbol’s live orders on that account', () => {
    const rows = [
      order('w', {}),
      order('done', { status: 'filled' }),
      order('other', { accountId: 'X' }),
      order('nq', { symbol: 'NQ' }),
      order('ph', { placeholder: true }),
    ];
    expect(
      workingOn(rows, { connectionId: 'paper', accountId: 'PAPER-1', symbol: 'ES' }).map((o) => o.id),
    ).toEqual(['w']);
  });
});
