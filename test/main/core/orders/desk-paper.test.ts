/**
 * Every order path runs the same checks against the paper broker (issue 9's findings): a modify
 * cannot buy what a placement could not, and every place, modify, cancel and refusal leaves a log
 * line with its values and reason.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../../../src/main/core/engine';
import { PaperConnection } from '../../../../src/main/core/paper/connection';
import type { Result } from '../../../../src/shared/contract';
import type { Order } from '../../../../src/shared/domain';

let engine: Engine | null = null;
afterEach(async () => {
  await engine?.stop();
  engine = null;
});

function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n')) if (l.trim() !== '') lines.push(JSON.parse(l));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, sink), lines };
}

/** A resting buy limit on ES at `limitPrice`, through the engine as the ticket sends it. */
function placeLimit(e: Engine, limitPrice: number): Promise<Result<Order>> {
  return e.dispatch('term:orders.place', {
    connectionId: 'paper',
    accountId: 'PAPER-1',
    symbol: 'ES',
    side: 'buy',
    type: 'limit',
    qty: 1,
    limitPrice,
  }) as Promise<Result<Order>>;
}

async function setup() {
  const { logger, lines } = capturingLogger();
  const paper = new PaperConnection({ seed: 3, autoTick: false, historyMinutes: 30, logger });
  engine = Engine.create({ paper: false, connections: [paper], logger, flushMs: 5 });
  await engine.start();
  const es = paper.exchange.quote('ES');
  if (es === undefined) throw new Error('no ES quote');
  return { e: engine, paper, lines, es };
}

describe('one validation for every order path (paper broker)', () => {
  it('refuses a modify that raises a 1-lot far beyond buying power and reprices it through the market', async () => {
    const { e, es } = await setup();
    const limit = Math.floor((es.bid * 0.95) / 0.25) * 0.25;
    const placed = await placeLimit(e, limit);
    if (!placed.ok) throw new Error(placed.error.message);
    const through = Math.ceil((es.ask * 1.02) / 0.25) * 0.25;
    const raised = (await e.dispatch('term:orders.modify', {
      connectionId: 'paper',
      orderId: placed.value.id,
      qty: 100_000,
      limitPrice: through,
    })) as Result<Order>;
    expect(!raised.ok && raised.error.code).toBe('insufficient_buying_power');
    const after = e.ledger.order('paper', placed.value.id);
    expect(after).toMatchObject({ qty: 1, limitPrice: limit, status: 'working' });
    expect(after?.pendingAction).toBeUndefined();
    expect(e.ledger.positions().filter((p) => p.qty !== 0)).toEqual([]);
  });

  it('logs every place, modify, cancel and refusal with its values and reason', async () => {
    const { e, es, lines } = await setup();
    const limit = Math.floor((es.bid * 0.95) / 0.25) * 0.25;
    const placed = await placeLimit(e, limit);
    if (!placed.ok) throw new Error(placed.error.message);
    await e.dispatch('term:orders.modify', { connectionId: 'paper', orderId: placed.value.id, qty: 2 });
    await placeLimit(e, limit + 0.1);
    await e.dispatch('term:orders.cancel', { connectionId: 'paper', orderId: placed.value.id });
    const msgs = lines.map((l) => l.msg);
    expect(msgs).toEqual(
      expect.arrayContaining(['place order', 'order accepted', 'modify order', 'cancel order']),
    );
    const modify = lines.find((l) => l.msg === 'modify order');
    expect(modify).toMatchObject({ before: { qty: 1 }, after: { qty: 2 }, orderId: placed.value.id });
    const refusal = lines.find((l) => l.msg === 'place refused');
    expect(refusal).toMatchObject({ code: 'off_tick' });
    expect(String(refusal?.reason)).toMatch(/tick/);
  });
});
