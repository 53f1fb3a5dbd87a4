import { describe, expect, it } from 'vitest';
import { PlaceOrderRequest } from '../../src/shared/contract';
import { newClientOrderId, OrderIntents } from '../../src/renderer/ticket/intent';

const buy = {
  connectionId: 'paper',
  accountId: 'A1',
  symbol: 'ES',
  side: 'buy' as const,
  type: 'limit' as const,
  qty: 1,
  limitPrice: 5000,
  tif: 'day' as const,
};

function counter() {
  let n = 0;
  return () => `t-id-${String(++n).padStart(4, '0')}`;
}

describe('client order id per intent', () => {
  it('makes ids the contract accepts, different every time', () => {
    const a = newClientOrderId();
    const b = newClientOrderId();
    expect(a).toMatch(/^[\w.:-]{8,64}$/);
    expect(a).not.toBe(b);
    expect(PlaceOrderRequest.safeParse({ ...buy, clientOrderId: a }).success).toBe(true);
  });

  it('gives each answered click a new id', () => {
    const intents = new OrderIntents(counter());
    const first = intents.begin(buy);
    intents.settled(first.clientOrderId);
    const second = intents.begin(buy);
    expect(second.clientOrderId).not.toBe(first.clientOrderId);
    expect(second).toEqual({ ...buy, clientOrderId: second.clientOrderId });
  });

  it('reuses the id when the same order is retried after an unknown outcome', () => {
    const intents = new OrderIntents(counter());
    const first = intents.begin(buy);
    // The call threw (link dropped): no settled(). The trader clicks Buy again.
    expect(intents.awaitingRetry?.request.clientOrderId).toBe(first.clientOrderId);
    const retry = intents.begin({ ...buy });
    expect(retry.clientOrderId).toBe(first.clientOrderId);
    intents.settled(retry.clientOrderId);
    expect(intents.awaitingRetry).toBeNull();
  });

  it('treats a changed order as a new intent', () => {
    const intents = new OrderIntents(counter());
    const first = intents.begin(buy);
    for (const change of [
      { qty: 2 },
      { limitPrice: 5000.25 },
      { side: 'sell' as const },
      { accountId: 'A2' },
    ]) {
      expect(intents.begin({ ...buy, ...change }).clientOrderId).not.toBe(first.clientOrderId);
    }
  });

  it('ignores a late answer for an intent already replaced', () => {
    const intents = new OrderIntents(counter());
    const first = intents.begin(buy);
    const other = intents.begin({ ...buy, qty: 3 });
    intents.settled(first.clientOrderId);
    expect(intents.awaitingRetry?.request.clientOrderId).toBe(other.clientOrderId);
  });
});
