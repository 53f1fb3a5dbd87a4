/**
 * Tradovate order entry through the connection against the simulator: the ticket's order types,
 * modify and cancel, broker-held OCO, brackets and trailing stops, the broker's rejection reason,
 * and an order whose reply is lost after the broker accepted it — resolved by asking the broker
 * by client order id, never by sending it again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Order } from '../../../../../src/shared/domain';
import { UnsupportedTimeframe } from '../../../../../src/main/core/connection';
import { TRADOVATE_ACCOUNT_ID } from '../../../../../sim/tradovate';
import { until } from '../../supervisor/support';
import { type ConnectionRig, connectionRig } from './harness';

let rig: ConnectionRig | null = null;
afterEach(async () => {
  await rig?.close();
  rig = null;
});

const base = {
  connectionId: 'tdv',
  accountId: String(TRADOVATE_ACCOUNT_ID),
  symbol: 'MESZ6',
  tif: 'day' as const,
};

async function live(): Promise<ConnectionRig> {
  // The tape stands still unless a test steps it, so resting orders stay resting.
  const r = (rig = await connectionRig({ sim: { worldOptions: { tickMs: 3_600_000 } } }));
  await r.waitState('live');
  return r;
}

function order(r: ConnectionRig, clientOrderId: string): Order | undefined {
  return r.ledger.orders().find((o) => o.clientOrderId === clientOrderId);
}

function placements(r: ConnectionRig, endpoint = 'order/placeorder'): number {
  return r.sim.requestLog.filter((x) => x.endpoint === endpoint).length;
}

describe('Tradovate orders', () => {
  it('declares broker-held OCO, brackets and trailing stops, modify and history', async () => {
    const r = await live();
    expect(r.conn.capabilities).toMatchObject({
      trading: true,
      modify: true,
      nativeOco: true,
      nativeBracket: true,
      nativeTrailingStop: true,
      snapshotResync: true,
      history: true,
    });
  });

  it('limit order: placed with the ticket client id, modified, cancelled', async () => {
    const r = await live();
    const q = r.sim.world.venue.quote('MESZ6');
    const ack = await r.conn.placeOrder({
      ...base,
      clientOrderId: 'tkt-1',
      side: 'buy',
      type: 'limit',
      qty: 2,
      limitPrice: q.bid - 20,
    });
    expect(ack.status).toBe('accepted');
    const body = r.sim.requestLog.find((x) => x.endpoint === 'order/placeorder')?.body;
    expect(body).toMatchObject({
      clOrdId: 'tkt-1',
      isAutomated: true,
      orderType: 'Limit',
      action: 'Buy',
      orderQty: 2,
    });
    await until(() => order(r, 'tkt-1')?.status === 'working', 'working');
    const o = order(r, 'tkt-1') as Order;
    expect(o).toMatchObject({
      heldBy: 'broker',
      limitPrice: q.bid - 20,
      qty: 2,
      id: ack.status === 'accepted' ? ack.brokerOrderId : '',
    });
    expect(
      (await r.conn.modifyOrder(o, { limitPrice: q.bid - 10, qty: 3, idempotencyKey: 'm1' })).status,
    ).toBe('accepted');
    await until(
      () => order(r, 'tkt-1')?.limitPrice === q.bid - 10 && order(r, 'tkt-1')?.qty === 3,
      'modified',
    );
    expect((await r.conn.cancelOrder(order(r, 'tkt-1') as Order, { idempotencyKey: 'c1' })).status).toBe(
      'accepted',
    );
    await until(() => order(r, 'tkt-1')?.status === 'cancelled', 'cancelled');
  });

  it('stop and stop-limit orders rest at the broker with their prices', async () => {
    const r = await live();
    const q = r.sim.world.venue.quote('MESZ6');
    await r.conn.placeOrder({
      ...base,
      clientOrderId: 'stp',
      side: 'sell',
      type: 'stop',
      qty: 1,
      stopPrice: q.bid - 25,
    });
    await r.conn.placeOrder({
      ...base,
      clientOrderId: 'stl',
      side: 'sell',
      type: 'stop_limit',
      qty: 1,
      stopPrice: q.bid - 25,
      limitPrice: q.bid - 26,
    });
    await until(
      () => order(r, 'stp')?.status === 'working' && order(r, 'stl')?.status === 'working',
      'both working',
    );
    expect(order(r, 'stp')).toMatchObject({ type: 'stop', stopPrice: q.bid - 25, limitPrice: null });
    expect(order(r, 'stl')).toMatchObject({
      type: 'stop_limit',
      stopPrice: q.bid - 25,
      limitPrice: q.bid - 26,
    });
  });

  it("a rejected order carries the broker's reason", async () => {
    const r = await live();
    const ack = await r.conn.placeOrder({
      ...base,
      clientOrderId: 'big',
      side: 'buy',
      type: 'market',
      qty: 500,
    });
    expect(ack).toEqual({
      status: 'rejected',
      code: 'MaxOrderQtyLimitReached',
      reason: 'Order quantity exceeds 100',
    });
    const bad = await r.conn.placeOrder({
      ...base,
      symbol: 'ZZZ9',
      clientOrderId: 'zzz',
      side: 'buy',
      type: 'market',
      qty: 1,
    });
    expect(bad).toMatchObject({ status: 'rejected', code: 'InvalidContract' });
  });

  it('native OCO: both legs held at Tradovate under one ocoId; a fill of one cancels the other', async () => {
    const r = await live();
    const q = r.sim.world.venue.quote('MESZ6');
    const ack = await r.conn.placeOco(
      { ...base, clientOrderId: 'oco-tp', side: 'sell', type: 'limit', qty: 1, limitPrice: q.ask + 20 },
      { side: 'sell', type: 'stop', stopPrice: q.bid - 20, clientOrderId: 'oco-sl' },
    );
    expect(ack.status).toBe('accepted');
    expect(ack.listId).toMatch(/^oco-/);
    await until(
      () => order(r, 'oco-tp')?.status === 'working' && order(r, 'oco-sl')?.status === 'working',
      'legs',
    );
    expect(order(r, 'oco-tp')?.list).toEqual({ id: ack.listId, type: 'oco', role: 'leg' });
    expect(order(r, 'oco-tp')?.siblingIds).toEqual([order(r, 'oco-sl')?.id]);
    const tp = order(r, 'oco-tp') as Order;
    // Cancelling one leg at the broker cancels both (the exchange's OCO rule).
    await r.conn.cancelOrder(tp, { idempotencyKey: 'x' });
    await until(() => order(r, 'oco-sl')?.status === 'cancelled', 'the other leg cancelled');
  });

  it('native bracket (placeoso): exits wait Suspended until the entry fills, then work', async () => {
    const r = await live();
    const q = r.sim.world.venue.quote('MESZ6');
    const ack = await r.conn.placeBracket(
      { ...base, clientOrderId: 'br-entry', side: 'buy', type: 'limit', qty: 1, limitPrice: q.bid - 10 },
      {
        takeProfit: { side: 'sell', type: 'limit', limitPrice: q.ask + 30, clientOrderId: 'br-tp' },
        stopLoss: { side: 'sell', type: 'stop', stopPrice: q.bid - 30, clientOrderId: 'br-sl' },
      },
    );
    expect(ack.status).toBe('accepted');
    await until(() => order(r, 'br-tp') !== undefined && order(r, 'br-sl') !== undefined, 'exits');
    expect(order(r, 'br-tp')).toMatchObject({ status: 'pending', list: { type: 'bracket', role: 'target' } });
    expect(order(r, 'br-sl')).toMatchObject({ status: 'pending', list: { type: 'bracket', role: 'stop' } });
    expect(order(r, 'br-entry')?.list).toMatchObject({ type: 'bracket', role: 'entry' });
    // Fill the entry by moving the market to it (modify to a marketable price).
    await r.conn.modifyOrder(order(r, 'br-entry') as Order, {
      limitPrice: q.ask + 5,
      idempotencyKey: 'fill',
    });
    await until(() => order(r, 'br-entry')?.status === 'filled', 'entry filled');
    await until(
      () => order(r, 'br-tp')?.status === 'working' && order(r, 'br-sl')?.status === 'working',
      'exits working',
    );
  });

  it('native trailing stop: sent as TrailingStop with a signed pegDifference, shown as trailing', async () => {
    const r = await live();
    const ack = await r.conn.placeOrder({
      ...base,
      clientOrderId: 'trail',
      side: 'sell',
      type: 'trailing_stop',
      qty: 1,
      trail: { by: 'ticks', offset: 8, activationPrice: null },
    });
    expect(ack.status).toBe('accepted');
    expect(r.sim.requestLog.find((x) => x.endpoint === 'order/placeorder')?.body).toMatchObject({
      orderType: 'TrailingStop',
      pegDifference: -2,
    });
    await until(() => order(r, 'trail')?.status === 'working', 'working');
    expect(order(r, 'trail')).toMatchObject({
      type: 'trailing_stop',
      heldBy: 'broker',
      trail: { by: 'amount', offset: 2 },
    });
    const pct = await r.conn.placeOrder({
      ...base,
      clientOrderId: 'pct',
      side: 'sell',
      type: 'trailing_stop',
      qty: 1,
      trail: { by: 'percent', offset: 1, activationPrice: null },
    });
    expect(pct).toMatchObject({ status: 'rejected', code: 'unsupported' });
  });

  it('accept-then-drop-the-reply: unknown, then found by client order id; never sent twice', async () => {
    const r = await live();
    const q = r.sim.world.venue.quote('MESZ6');
    r.sim.fault({ kind: 'drop-reply', count: 1, op: 'order/placeorder' });
    const p = r.conn.placeOrder({
      ...base,
      clientOrderId: 'lost-1',
      side: 'buy',
      type: 'limit',
      qty: 1,
      limitPrice: q.bid - 15,
    });
    // The desk's deadline is the supervisor's request timeout; shorten the wait by asking for it.
    const ack = await p;
    expect(ack.status).toBe('unknown');
    const found = await r.conn.lookupOrder('lost-1', base.accountId);
    expect(found.status).toBe('found');
    if (found.status === 'found')
      expect(found.order).toMatchObject({ clientOrderId: 'lost-1', status: 'working', qty: 1 });
    expect(placements(r)).toBe(1);
    expect(await r.conn.lookupOrder('never-sent', base.accountId)).toEqual({ status: 'not_found' });
  }, 20_000);

  it('a 5xx after execution is unknown (not a rejection), and the lookup finds it through the broker', async () => {
    const r = await live();
    const q = r.sim.world.venue.quote('MESZ6');
    r.sim.fault({ kind: 'fail-after-execute', count: 1, op: 'order/placeorder' });
    const ack = await r.conn.placeOrder({
      ...base,
      clientOrderId: 'five',
      side: 'buy',
      type: 'limit',
      qty: 1,
      limitPrice: q.bid - 15,
    });
    expect(ack.status).toBe('unknown');
    expect((await r.conn.lookupOrder('five', base.accountId)).status).toBe('found');
    expect(placements(r)).toBe(1);
  });

  it('a p-ticket on an order request is a refusal (not executed), with the wait in the reason', async () => {
    const r = await live();
    r.sim.fault({ kind: 'rate-limit', count: 1, op: 'order/placeorder', retryAfterMs: 3000 });
    const ack = await r.conn.placeOrder({
      ...base,
      clientOrderId: 'pen',
      side: 'buy',
      type: 'market',
      qty: 1,
    });
    expect(ack).toMatchObject({ status: 'rejected', code: 'penalty' });
    expect(ack.status === 'rejected' ? ack.reason : '').toMatch(/3 s/);
  });

  it('chart history from md/getChart: bars up to the end-of-history marker, oldest first', async () => {
    const r = await live();
    const bars = await r.conn.history('MESZ6', '5m', 50);
    expect(bars).toHaveLength(50);
    for (let i = 1; i < bars.length; i++)
      expect((bars[i]?.time ?? 0) - (bars[i - 1]?.time ?? 0)).toBe(300_000);
    // Live bars come from the quote feed: the chart subscription is cancelled after its history.
    await until(() => r.sim.requestLog.some((x) => x.endpoint === 'md/cancelChart'), 'md/cancelChart');
  });

  it('chart history pages back with closestTimestamp, and refuses seconds', async () => {
    const r = await live();
    const newest = await r.conn.history('MESZ6', '1m', 60);
    const first = newest[0]?.time ?? 0;
    const older = await r.conn.historyBefore('MESZ6', '1m', first, 60);
    expect(older).toHaveLength(60);
    expect(older.every((b) => b.time < first)).toBe(true);
    expect(older[59]?.time).toBe(first - 60_000);
    await expect(r.conn.history('MESZ6', '15s', 10)).rejects.toBeInstanceOf(UnsupportedTimeframe);
  });

  it('setInterest subscribes quotes for watched symbols and unsubscribes them again', async () => {
    const r = await live();
    r.conn.setInterest?.(new Set(['NQZ6']));
    await until(() => r.events.some((e) => e.type === 'quote' && e.quote.symbol === 'NQZ6'), 'NQ quotes');
    await until(
      () =>
        r.events.some(
          (e) => e.type === 'instrument' && e.instrument.symbol === 'NQZ6' && e.instrument.multiplier === 20,
        ),
      'NQ described with its value per point',
    );
    r.conn.setInterest?.(new Set());
    await until(() => r.sim.requestLog.some((x) => x.endpoint === 'md/unsubscribeQuote'), 'unsubscribe');
    // MES stays quoted: it is held.
    expect(r.sim.requestLog.filter((x) => x.endpoint === 'md/unsubscribeQuote').map((x) => x.body)).toEqual([
      { symbol: 'NQZ6' },
    ]);
  });
});
