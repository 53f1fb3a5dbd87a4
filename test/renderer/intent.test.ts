import { describe, expect, it } from 'vitest';
import { PlaceOrderRequest } from '../../src/shared/contract';
import { OrderIntents } from '../../src/renderer/ticket/intent';
import { ClientOrderIds } from '../../src/main/core/orders/clientOrderIds';

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

/** The main process's generator, as the ticket reaches it over the bridge. */
function fromMain() {
  const ids = new ClientOrderIds();
  let asked = 0;
  return {
    makeId: async () => {
      asked++;
      return ids.next();
    },
    asked: () => asked,
  };
}

describe('client order id per intent', () => {
  it('uses ids from the main process that the contract accepts', async () => {
    const main = fromMain();
    const intents = new OrderIntents(main.makeId);
    const first = await intents.begin(buy);
    expect(PlaceOrderRequest.safeParse(first).success).toBe(true);
    expect(first.clientOrderId.length).toBeLessThanOrEqual(36);
    expect(main.asked()).toBe(1);
  });

  it('gives each answered click a new id', async () => {
    const intents = new OrderIntents(fromMain().makeId);
    const first = await intents.begin(buy);
    intents.settled(first.clientOrderId);
    const second = await intents.begin(buy);
    expect(second.clientOrderId).not.toBe(first.clientOrderId);
    expect(second).toEqual({ ...buy, clientOrderId: second.clientOrderId });
  });

  it('reuses the id when the same order is retried after an unknown outcome, without asking again', async () => {
    const main = fromMain();
    const intents = new OrderIntents(main.makeId);
    const first = await intents.begin(buy);
    // The call threw or came back "unknown": no settled(). The trader clicks Buy again.
    expect(intents.awaitingRetry?.request.clientOrderId).toBe(first.clientOrderId);
    const retry = await intents.begin({ ...buy });
    expect(retry.clientOrderId).toBe(first.clientOrderId);
    expect(main.asked()).toBe(1);
    intents.settled(retry.clientOrderId);
    expect(intents.awaitingRetry).toBeNull();
  });

  it('treats a changed order as a new intent', async () => {
    const intents = new OrderIntents(fromMain().makeId);
    const first = await intents.begin(buy);
    const changed = await intents.begin({ ...buy, qty: 2 });
    expect(changed.clientOrderId).not.toBe(first.clientOrderId);
    expect(intents.awaitingRetry?.request.clientOrderId).toBe(changed.clientOrderId);
  });
});
