import { describe, expect, it } from 'vitest';
import { marketOf, planChartOrder } from '../../../src/renderer/chart/chartOrder';
import { formatPrice, formatPriceInput, formatQuantity } from '../../../src/shared/money';
import { validateTicket } from '../../../src/renderer/ticket/validate';
import { ES } from '../../main/core/fixtures';

const q = { bid: 5400, ask: 5400.25, last: 5400.25 };

describe('orders clicked on the chart', () => {
  it('rests a limit on the near side of the market and triggers a stop on the far side', () => {
    expect(planChartOrder(5390, 'limit', q, ES)).toEqual({ ok: true, side: 'buy', type: 'limit' });
    expect(planChartOrder(5410, 'limit', q, ES)).toEqual({ ok: true, side: 'sell', type: 'limit' });
    expect(planChartOrder(5410, 'stop', q, ES)).toEqual({ ok: true, side: 'buy', type: 'stop' });
    expect(planChartOrder(5390, 'stop', q, ES)).toEqual({ ok: true, side: 'sell', type: 'stop' });
  });

  it('refuses a click at the market or without a quote', () => {
    expect(planChartOrder(5400, 'limit', { bid: 5400, ask: 5400, last: 5400 }, ES)).toMatchObject({
      ok: false,
    });
    expect(planChartOrder(5400, 'limit', undefined, ES)).toMatchObject({ ok: false, why: /No quote/ });
    expect(marketOf({ bid: 0, ask: 0, last: 12 })).toBe(12);
  });

  it('goes through the ticket validation with the price as the ticket would take it', () => {
    const price = formatPriceInput(5390.2500000001, ES);
    expect(price).toBe('5390.25');
    const check = validateTicket(
      { side: 'buy', type: 'limit', tif: 'day', qty: '2', limitPrice: price, stopPrice: '' },
      ES,
      { connectionId: 'c1', accountId: 'A1' },
    );
    expect(check).toMatchObject({ ok: true, request: { limitPrice: 5390.25, qty: 2, side: 'buy' } });
    const bad = validateTicket(
      { side: 'buy', type: 'limit', tif: 'day', qty: '0.5', limitPrice: price, stopPrice: '' },
      ES,
      { connectionId: 'c1', accountId: 'A1' },
    );
    expect(bad.ok).toBe(false);
  });

  it('writes figures at the tick and step with separators', () => {
    expect(formatPrice(5424.630000001, ES)).toBe('5,424.75');
    expect(formatPrice(null, ES)).toBe('—');
    expect(formatQuantity(1.3946999999999998, 0.0001)).toBe('1.3947');
    expect(formatQuantity(1250, 1)).toBe('1,250');
  });
});
