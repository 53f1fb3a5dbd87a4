/**
 * The hotkeys' symbol-wide actions run in the engine, through the desk (paper broker): cancel all
 * on a symbol reports each order's outcome, and reverse turns long into short of the same size in
 * one market order.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../../../src/main/core/engine';
import { PaperConnection } from '../../../../src/main/core/paper/connection';
import type { CancelAllResult, Result } from '../../../../src/shared/contract';
import type { Order } from '../../../../src/shared/domain';

let engine: Engine | null = null;
afterEach(async () => {
  await engine?.stop();
  engine = null;
});

const where = { connectionId: 'paper', accountId: 'PAPER-1', symbol: 'ES' } as const;

async function setup() {
  const paper = new PaperConnection({ seed: 5, autoTick: false, historyMinutes: 30 });
  engine = Engine.create({ paper: false, connections: [paper], flushMs: 5 });
  await engine.start();
  const es = paper.exchange.quote('ES');
  if (es === undefined) throw new Error('no ES quote');
  return { e: engine, es, paper };
}

/** Long 2 ES with its exits working: a sell stop below and a sell limit target above. */
async function longWithExits(e: Engine, es: { bid: number; ask: number }) {
  const bought = await place(e, { side: 'buy', type: 'market', qty: 2 });
  expect(bought.ok && bought.value.status).toBe('filled');
  const stop = await place(e, {
    side: 'sell',
    type: 'stop',
    qty: 2,
    stopPrice: Math.floor((es.bid * 0.98) / 0.25) * 0.25,
    tif: 'gtc',
  });
  const target = await place(e, {
    side: 'sell',
    type: 'limit',
    qty: 2,
    limitPrice: Math.ceil((es.ask * 1.02) / 0.25) * 0.25,
    tif: 'gtc',
  });
  expect(stop.ok && target.ok && [stop.value.status, target.value.status]).toEqual(['working', 'working']);
}

const workingEs = (e: Engine) =>
  e
    .snapshot()
    .orders.filter((o) => o.symbol === 'ES' && !['filled', 'cancelled', 'rejected'].includes(o.status));

function place(e: Engine, req: Record<string, unknown>): Promise<Result<Order>> {
  return e.dispatch('term:orders.place', { ...where, qty: 1, ...req }) as Promise<Result<Order>>;
}

describe('cancel all on a symbol', () => {
  it('cancels every working order of the account on that symbol and leaves other symbols alone', async () => {
    const { e, es } = await setup();
    const below = Math.floor((es.bid * 0.98) / 0.25) * 0.25;
    const a = await place(e, { side: 'buy', type: 'limit', limitPrice: below });
    const b = await place(e, { side: 'buy', type: 'limit', limitPrice: below - 1 });
    const nq = e.snapshot().quotes.find((q) => q.symbol === 'NQ');
    if (nq === undefined) throw new Error('no NQ quote');
    const other = await place(e, {
      symbol: 'NQ',
      side: 'buy',
      type: 'limit',
      limitPrice: Math.floor((nq.bid * 0.98) / 0.25) * 0.25,
    });
    expect(a.ok && b.ok && other.ok).toBe(true);

    const r = (await e.dispatch('term:orders.cancelAll', where)) as Result<CancelAllResult>;
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.failed).toEqual([]);
    expect(r.value.cancelled.map((o) => o.status).sort()).toEqual(['cancelled', 'cancelled']);
    const working = e.snapshot().orders.filter((o) => o.status === 'working');
    expect(working.map((o) => o.symbol)).toEqual(['NQ']);

    // Nothing left: an empty report, not an error.
    const again = (await e.dispatch('term:orders.cancelAll', where)) as Result<CancelAllResult>;
    expect(again).toEqual({ ok: true, value: { cancelled: [], failed: [] } });
  });

  it('is refused for an unknown connection with its reason', async () => {
    const { e } = await setup();
    const r = (await e.dispatch('term:orders.cancelAll', {
      ...where,
      connectionId: 'nope',
    })) as Result<unknown>;
    expect(!r.ok && r.error.code).toBe('not_found');
  });
});

describe('reverse a position', () => {
  it('turns long 2 into short 2 with one market order', async () => {
    const { e } = await setup();
    const bought = await place(e, { side: 'buy', type: 'market', qty: 2 });
    expect(bought.ok && bought.value.status).toBe('filled');
    const r = (await e.dispatch('term:positions.reverse', where)) as Result<Order[]>;
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.map((o) => [o.side, o.type, o.qty, o.status])).toEqual([['sell', 'market', 4, 'filled']]);
    expect(e.ledger.positions().find((p) => p.symbol === 'ES')?.qty).toBe(-2);
  });

  it("cancels the old side's stop and target first: nothing left working adds to the short", async () => {
    const { e, es } = await setup();
    await longWithExits(e, es);
    const r = (await e.dispatch('term:positions.reverse', where)) as Result<Order[]>;
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.map((o) => [o.side, o.type, o.qty, o.status])).toEqual([
      ['sell', 'stop', 2, 'cancelled'],
      ['sell', 'limit', 2, 'cancelled'],
      ['sell', 'market', 4, 'filled'],
    ]);
    expect(workingEs(e)).toEqual([]);
    expect(e.ledger.positions().find((p) => p.symbol === 'ES')?.qty).toBe(-2);
  });

  it("ends the symbol's terminal-managed protection too", async () => {
    const { e, es } = await setup();
    await place(e, { side: 'buy', type: 'market', qty: 2 });
    const prot = (await e.dispatch('term:protection.place', {
      ...where,
      kind: 'oco',
      side: 'sell',
      qty: 2,
      legs: [
        { type: 'limit', limitPrice: Math.ceil((es.ask * 1.02) / 0.25) * 0.25 },
        { type: 'stop', stopPrice: Math.floor((es.bid * 0.98) / 0.25) * 0.25 },
      ],
    })) as Result<{ id: string; heldBy: string }>;
    if (!prot.ok) throw new Error(prot.error.message);
    expect(prot.value.heldBy).toBe('terminal');
    await e.protection.idle();
    expect(workingEs(e)).toHaveLength(2);
    const r = (await e.dispatch('term:positions.reverse', where)) as Result<Order[]>;
    if (!r.ok) throw new Error(r.error.message);
    expect(e.protection.list()).toMatchObject([{ id: prot.value.id, status: 'done' }]);
    expect(workingEs(e)).toEqual([]);
    expect(e.ledger.positions().find((p) => p.symbol === 'ES')?.qty).toBe(-2);
  });

  it('sends nothing on a link that is not live, and says why', async () => {
    const { e, es, paper } = await setup();
    await longWithExits(e, es);
    paper.disconnect();
    const r = (await e.dispatch('term:positions.reverse', where)) as Result<Order[]>;
    expect(!r.ok && r.error.code).toBe('not_connected');
    expect(workingEs(e)).toHaveLength(2);
    expect(e.ledger.positions().find((p) => p.symbol === 'ES')?.qty).toBe(2);
  });

  it('says there is nothing to reverse when flat', async () => {
    const { e } = await setup();
    const r = (await e.dispatch('term:positions.reverse', where)) as Result<Order[]>;
    expect(!r.ok && r.error.code).toBe('flat');
  });
});
