/** A signal as the alert engine reads it. */
import { expect, it } from 'vitest';
import { signalNotice } from '../../../../src/main/core/alerts/signalNotice';

it('names the side, size, symbol, price and confidence; absent fields are left out', () => {
  const base = { id: 'x', connectionId: 'sig', symbol: 'AAPL', side: 'buy' as const, ts: 1, receivedAt: 2 };
  expect(signalNotice({ ...base, price: 150.25, qty: 10, confidence: 0.85 }, 'Signals')).toEqual({
    source: 'Signals',
    symbol: 'AAPL',
    message: 'BUY 10 AAPL @ 150.25, confidence 85 %',
  });
  expect(signalNotice({ ...base, side: 'sell', price: null, qty: null, confidence: null }, 'S').message).toBe(
    'SELL AAPL',
  );
});
