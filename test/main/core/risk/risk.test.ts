/**
 * Risk limits in front of the order desk and the kill switch, through the engine's channels:
 * limits refuse orders with the limit named on every path; the kill switch cancels, waits for
 * acknowledgements, flattens, verifies and locks — against the paper broker, and against a broker
 * that never acknowledges a cancel (named, never assumed done); the lock survives a restart and
 * needs the unlock phrase.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../../../src/main/core/engine';
import { PAPER_ACCOUNT_ID } from '../../../../src/main/core/paper/exchange';
import type { RiskLimits, RiskStatus } from '../../../../src/shared/alerts';
import type { Result } from '../../../../src/shared/contract';
import type { Order } from '../../../../src/shared/domain';
import { ES, fill, quote } from '../fixtures';
import { ScriptedBroker } from '../../../support/broker';
import { ManualTimers, settle } from '../../../support/timers';

let engines: Engine[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const e of engines) await e.stop();
  engines = [];
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function configure(e: Engine, limits: Partial<RiskLimits>): Promise<void> {
  const r = (await e.dispatch('term:alerts.saveConfig', { rules: [], limits })) as Result<unknown>;
  if (!r.ok) throw new Error(r.error.message);
}

async function status(e: Engine): Promise<RiskStatus> {
  const r = (await e.dispatch('term:risk.status', {})) as Result<RiskStatus>;
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

const place = (e: Engine, req: Record<string, unknown>) =>
  e.dispatch('term:orders.place', { tif: 'day', ...req }) as Promise<Result<Order>>;

async function scripted(opts: { timers?: ManualTimers; dataDir?: string } = {}) {
  const broker = new ScriptedBroker('a', 'Broker A', [ES]);
  const e = Engine.create({
    paper: false,
    connections: [broker],
    alertTickMs: 0,
    flushMs: 5,
    orderDeadlineMs: 1_000,
    orderLookupScheduleMs: [60_000],
    killSwitchFlatWaitMs: 2_000,
    ...(opts.timers === undefined ? {} : { timers: opts.timers }),
    ...(opts.dataDir === undefined ? {} : { dataDir: opts.dataDir }),
  });
  engines.push(e);
  await e.start();
  e.ledger.apply('a', {
    type: 'quote',
    quote: quote({ symbol: 'ES', connectionId: 'a', receivedAt: Date.now() }),
  });
  return { e, broker };
}

const esBuy = (over: Record<string, unknown> = {}) => ({
  connectionId: 'a',
  accountId: 'ACC',
  symbol: 'ES',
  side: 'buy',
  type: 'limit',
  qty: 1,
  limitPrice: 5000,
  ...over,
});

describe('risk limits refuse orders before they leave the terminal, naming the limit', () => {
  it('maximum order quantity, notional, position, open orders and the fat-finger confirmation', async () => {
    const { e, broker } = await scripted();
    await configure(e, {
      maxOrderQty: 10,
      maxOrderNotional: 1_000_000,
      maxPosition: 6,
      maxOpenOrders: 3,
      confirmQtyAbove: 2,
    });
    const refused = async (req: Record<string, unknown>, code: string, words: RegExp) => {
      const r = await place(e, req);
      expect(r.ok).toBe(false);
      expect(!r.ok && r.error.code).toBe(code);
      expect(!r.ok && r.error.message).toMatch(words);
    };
    await refused(
      esBuy({ qty: 1_000_000 }),
      'risk_max_order_qty',
      /maximum order quantity limit.*1000000 ES/,
    );
    await refused(esBuy({ qty: 5, confirmLarge: true }), 'risk_max_notional', /maximum order value limit/);
    await refused(esBuy({ qty: 3 }), 'needs_confirmation', /confirmation size of 2/);
    expect(broker.received).toHaveLength(0);

    expect((await place(e, esBuy({ qty: 3, confirmLarge: true, limitPrice: 4000 }))).ok).toBe(true);
    expect((await place(e, esBuy({ qty: 2, limitPrice: 4000 }))).ok).toBe(true);
    await refused(
      esBuy({ qty: 2, confirmLarge: true, limitPrice: 4000 }),
      'risk_max_position',
      /ES would reach 7/,
    );
    expect((await place(e, esBuy({ qty: 1, limitPrice: 4000 }))).ok).toBe(true);
    await refused(
      esBuy({ side: 'sell', qty: 1, limitPrice: 6000 }),
      'risk_max_open_orders',
      /3 orders are already working/,
    );
  });

  it('a modify that grows an order past a limit is refused', async () => {
    const { e } = await scripted();
    await configure(e, { maxOrderQty: 5 });
    const r = await place(e, esBuy({ qty: 2, limitPrice: 4000 }));
    if (!r.ok) throw new Error(r.error.message);
    const m = (await e.dispatch('term:orders.modify', {
      connectionId: 'a',
      orderId: r.value.id,
      qty: 9,
    })) as Result<Order>;
    expect(!m.ok && m.error.code).toBe('risk_max_order_qty');
  });

  it('an order that only reduces a position passes every limit', async () => {
    const { e } = await scripted();
    e.ledger.apply('a', {
      type: 'fill',
      fill: fill({ id: 'f1', connectionId: 'a', accountId: 'ACC', side: 'buy', qty: 8, price: 5000 }),
    });
    await configure(e, { maxOrderQty: 1, maxPosition: 1 });
    expect((await place(e, esBuy({ side: 'sell', qty: 8, type: 'market', limitPrice: undefined }))).ok).toBe(
      true,
    );
  });
});

describe('every order path passes the guard', () => {
  it('while locked: a new order and a modify are refused, closing a position is allowed', async () => {
    const { e, broker } = await scripted();
    e.ledger.apply('a', {
      type: 'fill',
      fill: fill({ id: 'f1', connectionId: 'a', accountId: 'ACC', side: 'buy', qty: 2, price: 5000 }),
    });
    const working = await place(e, esBuy({ limitPrice: 4000 }));
    if (!working.ok) throw new Error(working.error.message);
    // The broker refuses the kill switch's cancel: the order stays working (and is named).
    broker.replies = ['reject'];
    const fired = (await e.dispatch('term:risk.killSwitch', {
      flatten: false,
      reason: 'test lock',
    })) as Result<RiskStatus>;
    expect(fired.ok && fired.value.killSwitch.state).toBe('incomplete');
    const modify = (await e.dispatch('term:orders.modify', {
      connectionId: 'a',
      orderId: working.value.id,
      limitPrice: 4100,
    })) as Result<Order>;
    expect(!modify.ok && modify.error.code).toBe('risk_locked');
    const blocked = await place(e, esBuy({ limitPrice: 4000 }));
    expect(!blocked.ok && blocked.error.code).toBe('risk_locked');
    const close = (await e.dispatch('term:positions.close', {
      connectionId: 'a',
      accountId: 'ACC',
      symbol: 'ES',
    })) as Result<Order[]>;
    expect(close.ok).toBe(true);
  });

  it('the per-account daily loss limit names the account', async () => {
    const { e } = await scripted();
    await configure(e, { accountDailyLoss: 50, flattenOnBreach: false });
    e.ledger.apply('a', {
      type: 'fill',
      fill: fill({ id: 'f1', connectionId: 'a', accountId: 'ACC', side: 'buy', qty: 1, price: 5000 }),
    });
    e.ledger.apply('a', {
      type: 'quote',
      quote: quote({
        symbol: 'ES',
        connectionId: 'a',
        bid: 4998,
        ask: 4998,
        last: 4998,
        receivedAt: Date.now(),
      }),
    });
    e.evaluateRisk();
    const s = await status(e);
    expect(s.locked).toBe(true);
    expect(s.reason).toMatch(/account daily loss limit: Account day P&L -\$100\.00/);
  });
});

describe('the kill switch', () => {
  it('against the paper broker: cancels every working order, flattens every position, locks the ticket', async () => {
    const e = Engine.create({ seed: 7, alertTickMs: 0, flushMs: 5, killSwitchFlatWaitMs: 5_000 });
    engines.push(e);
    await e.start();
    const q = e.ledger.quote('paper', 'ES');
    if (q === undefined) throw new Error('no ES quote');
    const paperBuy = (over: Record<string, unknown>) =>
      place(e, {
        connectionId: 'paper',
        accountId: PAPER_ACCOUNT_ID,
        symbol: 'ES',
        side: 'buy',
        qty: 1,
        ...over,
      });
    expect((await paperBuy({ type: 'market', qty: 2 })).ok).toBe(true);
    const resting = await paperBuy({ type: 'limit', limitPrice: Math.round(q.bid * 0.9) });
    expect(resting.ok && resting.value.status).toBe('working');
    expect(e.ledger.positions().find((p) => p.symbol === 'ES')?.qty).toBe(2);

    const fired = (await e.dispatch('term:risk.killSwitch', { flatten: true })) as Result<RiskStatus>;
    if (!fired.ok) throw new Error(fired.error.message);
    expect(fired.value.killSwitch.state).toBe('done');
    expect(fired.value.killSwitch.steps.map((s) => [s.step, s.state])).toEqual([
      ['lock', 'done'],
      ['cancel', 'done'],
      ['flatten', 'done'],
      ['verify', 'done'],
    ]);
    expect(fired.value.locked).toBe(true);
    expect(e.ledger.orders().filter((o) => o.status === 'working')).toHaveLength(0);
    expect(e.ledger.positions().every((p) => p.qty === 0)).toBe(true);
    expect(e.ledger.alerts().find((a) => a.id === 'risk:lock')).toMatchObject({
      level: 'critical',
      active: true,
    });

    // Locked: a new order is refused with the reason.
    const blocked = await paperBuy({ type: 'market' });
    expect(!blocked.ok && blocked.error.code).toBe('risk_locked');
    expect(!blocked.ok && blocked.error.message).toMatch(/Trading is locked \(kill switch fired by hand\)/);

    // Unlock needs the phrase.
    const wrong = (await e.dispatch('term:risk.unlock', { confirm: 'yes' })) as Result<RiskStatus>;
    expect(!wrong.ok && wrong.error.code).toBe('invalid_request');
    const unlocked = (await e.dispatch('term:risk.unlock', { confirm: 'UNLOCK' })) as Result<RiskStatus>;
    expect(unlocked.ok && unlocked.value.locked).toBe(false);
    expect((await paperBuy({ type: 'market' })).ok).toBe(true);
  });

  it('names a broker that does not acknowledge the cancel in time, and never calls it done', async () => {
    const timers = new ManualTimers();
    const { e, broker } = await scripted({ timers });
    const r = await place(e, esBuy({ limitPrice: 4000 }));
    if (!r.ok) throw new Error(r.error.message);
    broker.replies = ['hang'];
    const running = e.dispatch('term:risk.killSwitch', { flatten: false }) as Promise<Result<RiskStatus>>;
    await settle();
    expect((await status(e)).killSwitch.steps.find((s) => s.step === 'cancel')?.state).toBe('running');
    await timers.advance(1_000); // the desk's deadline
    const done = await running;
    if (!done.ok) throw new Error(done.error.message);
    const cancel = done.value.killSwitch.steps.find((s) => s.step === 'cancel');
    expect(cancel?.state).toBe('failed');
    expect(cancel?.detail).toMatch(/Not acknowledged: ES .* on Broker A/);
    expect(done.value.killSwitch.state).toBe('incomplete');
    expect(done.value.locked).toBe(true);
  });

  it('fires on its own when the day loss reaches the daily loss limit', async () => {
    const timers = new ManualTimers();
    const { e } = await scripted({ timers });
    await configure(e, { dailyLoss: 100, flattenOnBreach: true });
    e.ledger.apply('a', {
      type: 'fill',
      fill: fill({ id: 'f1', connectionId: 'a', accountId: 'ACC', side: 'buy', qty: 1, price: 5000 }),
    });
    const mark = (p: number) =>
      e.ledger.apply('a', {
        type: 'quote',
        quote: quote({ symbol: 'ES', connectionId: 'a', bid: p, ask: p, last: p, receivedAt: Date.now() }),
      });
    mark(4999);
    e.evaluateRisk();
    expect((await status(e)).locked).toBe(false);
    mark(4997.5); // −125
    e.evaluateRisk();
    const s = await status(e);
    expect(s.locked).toBe(true);
    expect(s.reason).toMatch(/daily loss limit/);
    await settle();
    // The scripted broker reports no fills for the closing order: the verify step says what is open.
    await timers.advance(2_000);
    const after = await status(e);
    expect(after.killSwitch.steps.find((x) => x.step === 'flatten')?.state).toBe('done');
    expect(after.killSwitch.steps.find((x) => x.step === 'verify')?.detail).toMatch(
      /Still open .* ES 1 on Broker A/,
    );
  });

  it('the lock survives a restart the same day', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'peregrine-risk-'));
    dirs.push(dataDir);
    const first = await scripted({ dataDir });
    await first.e.dispatch('term:risk.killSwitch', { flatten: false, reason: 'test lock' });
    await first.e.stop();
    engines = engines.filter((x) => x !== first.e);
    const second = await scripted({ dataDir });
    const s = await status(second.e);
    expect(s.locked).toBe(true);
    expect(s.reason).toBe('test lock');
    const r = await place(second.e, esBuy({ limitPrice: 4000 }));
    expect(!r.ok && r.error.code).toBe('risk_locked');
  });
});
