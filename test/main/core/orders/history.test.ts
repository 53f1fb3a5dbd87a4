/**
 * What the orders history keeps (issue 15): a rejected order stays, with the broker's reason and
 * time; closing a position can cancel the symbol's working orders in the same action.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../../../src/main/core/engine';
import { PaperConnection } from '../../../../src/main/core/paper/connection';
import type { Result } from '../../../../src/shared/contract';
import type { Order } from '../../../../src/shared/domain';
import { StatusReport } from '../../../../src/shared/status';

let engine: Engine | null = null;
afterEach(async () => {
  await engine?.stop();
  engine = null;
});

async function setup() {
  const paper = new PaperConnection({ seed: 7, autoTick: false, historyMinutes: 30 });
  engine = Engine.create({ paper: false, connections: [paper], flushMs: 5 });
  await engine.start();
  const es = paper.exchange.quote('ES');
  if (es === undefined) throw new Error('no ES quote');
  return { e: engine, es };
}

const where = { connectionId: 'paper', accountId: 'PAPER-1', symbol: 'ES' } as const;
const place = (e: Engine, req: object) =>
  e.dispatch('term:orders.place', { ...where, qty: 1, ...req }) as Promise<Result<Order>>;

describe('orders history', () => {
  it('keeps a rejected order with its reason and time', async () => {
    const { e, es } = await setup();
    // A buy stop below the market is already through it: the paper broker refuses it.
    const stop = Math.floor((es.last - 5) / 0.25) * 0.25;
    const r = await place(e, { side: 'buy', type: 'stop', stopPrice: stop });
    expect(r.ok).toBe(false);
    const rows = e.ledger.orders().filter((o) => o.status === 'rejected');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ symbol: 'ES', side: 'buy', type: 'stop', stopPrice: stop, qty: 1 });
    expect(rows[0]?.rejectReason).toBe(!r.ok ? r.error.message : null);
    expect(rows[0]?.createdAt).toBeGreaterThan(0);
    const status = StatusReport.parse(e.status());
    expect(status.orders.find((o) => o.status === 'rejected')).toMatchObject({
      rejectReason: !r.ok ? r.error.message : '',
      stopPrice: stop,
    });
    // The trader places it again (a new click): a second row, the first stays in history.
    await place(e, { side: 'buy', type: 'stop', stopPrice: stop });
    expect(e.ledger.orders().filter((o) => o.status === 'rejected')).toHaveLength(2);
  });

  it('keeps an order the risk limits refused, with the limit as its reason', async () => {
    const { e, es } = await setup();
    e.risk.setLimits({ ...e.risk.status().limits, maxOrderQty: 2 });
    const r = await place(e, { side: 'buy', type: 'limit', qty: 5, limitPrice: Math.floor(es.bid) - 10 });
    expect(r.ok).toBe(false);
    const [row] = e.ledger.orders();
    expect(row).toMatchObject({ status: 'rejected', qty: 5 });
    expect(row?.rejectReason).toBe(!r.ok ? r.error.message : null);
  });

  it('does not keep a size the trader is asked to confirm: that is a question, not a rejection', async () => {
    const { e, es } = await setup();
    e.risk.setLimits({ ...e.risk.status().limits, confirmQtyAbove: 2 });
    const req = { side: 'buy', type: 'limit', qty: 5, limitPrice: Math.floor(es.bid) - 10 };
    const asked = await place(e, req);
    expect(!asked.ok && asked.error.code).toBe('needs_confirmation');
    expect(e.ledger.orders()).toEqual([]);
    const sent = await place(e, { ...req, confirmLarge: true });
    expect(sent.ok && sent.value.status).toBe('working');
    expect(e.ledger.orders().map((o) => o.status)).toEqual(['working']);
  });

  it('closes with cancelWorking: the symbol’s working orders are cancelled first, then the position', async () => {
    const { e, es } = await setup();
    const bought = await place(e, { side: 'buy', type: 'market' });
    expect(bought.ok).toBe(true);
    const stop = Math.floor((es.bid - 20) / 0.25) * 0.25;
    const resting = await place(e, { side: 'sell', type: 'stop', stopPrice: stop });
    if (!resting.ok) throw new Error(resting.error.message);
    const r = (await e.dispatch('term:positions.close', { ...where, cancelWorking: true })) as Result<
      Order[]
    >;
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.map((o) => o.id)).toEqual([resting.value.id, expect.any(String)]);
    expect(e.ledger.order('paper', resting.value.id)?.status).toBe('cancelled');
    expect(e.ledger.positions().filter((p) => p.qty !== 0)).toEqual([]);
  });

  it('closing with cancelWorking ends terminal-managed protection that has no order yet; without, it stays', async () => {
    const { e, es } = await setup();
    const trailing = async () => {
      const r = (await e.dispatch('term:protection.place', {
        ...where,
        kind: 'trailing',
        side: 'sell',
        qty: 1,
        trail: { by: 'ticks', offset: 8, activationPrice: Math.ceil(es.ask) + 100 },
      })) as Result<{ id: string; heldBy: string; status: string }>;
      if (!r.ok) throw new Error(r.error.message);
      expect(r.value).toMatchObject({ heldBy: 'terminal', status: 'active' });
      return r.value.id;
    };
    const statusOf = (id: string) => e.protection.list().find((p) => p.id === id)?.status;

    await place(e, { side: 'buy', type: 'market' });
    const kept = await trailing();
    await e.dispatch('term:positions.close', where);
    expect(statusOf(kept)).toBe('active');

    await place(e, { side: 'buy', type: 'market' });
    const ended = await trailing();
    const r = (await e.dispatch('term:positions.close', { ...where, cancelWorking: true })) as Result<
      Order[]
    >;
    expect(r.ok).toBe(true);
    expect([statusOf(kept), statusOf(ended)]).toEqual(['done', 'done']);
  });

  it('closes without cancelWorking: resting orders stay working', async () => {
    const { e, es } = await setup();
    await place(e, { side: 'buy', type: 'market' });
    const stop = Math.floor((es.bid - 20) / 0.25) * 0.25;
    const resting = await place(e, { side: 'sell', type: 'stop', stopPrice: stop });
    if (!resting.ok) throw new Error(resting.error.message);
    const r = (await e.dispatch('term:positions.close', where)) as Result<Order[]>;
    expect(r.ok && r.value).toHaveLength(1);
    expect(e.ledger.order('paper', resting.value.id)?.status).toBe('working');
  });
});
