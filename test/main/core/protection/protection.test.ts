/**
 * The protection engine through the engine's own channels, against the ScriptedBroker (whose
 * every submission is counted) and, for the path a new user sees first, the paper broker.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../../../src/main/core/engine';
import { PaperConnection } from '../../../../src/main/core/paper/connection';
import { PAPER_ACCOUNT_ID } from '../../../../src/main/core/paper/exchange';
import { JOURNAL_FILE } from '../../../../src/main/core/protection/journal';
import type { RiskStatus } from '../../../../src/shared/alerts';
import type {
  CancelAllResult,
  ProtectionRequest,
  ProtectionView,
  Result,
} from '../../../../src/shared/contract';
import type { Capabilities, Order } from '../../../../src/shared/domain';
import { ES } from '../fixtures';
import { ScriptedBroker } from '../../../support/broker';
import { ManualTimers, settle } from '../../../support/timers';

const engines: Engine[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const e of engines.splice(0)) await e.stop();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'peregrine-protect-'));
  dirs.push(d);
  return d;
}

async function setup(
  opts: {
    caps?: Partial<Capabilities>;
    journal?: string;
    broker?: ScriptedBroker;
    timers?: ManualTimers;
  } = {},
) {
  const b =
    opts.broker ?? new ScriptedBroker('b', 'Broker b', [ES], { nativeTrailingStop: false, ...opts.caps });
  const e = Engine.create({
    paper: false,
    connections: [b],
    flushMs: 5,
    ...(opts.journal === undefined ? {} : { protectionJournal: opts.journal }),
    ...(opts.timers === undefined
      ? {}
      : { timers: opts.timers, orderDeadlineMs: 1_000, orderLookupScheduleMs: [500] }),
  });
  engines.push(e);
  await e.start();
  b.quote('ES', 5000);
  return { e, b };
}

async function protect(e: Engine, req: Partial<ProtectionRequest> & Pick<ProtectionRequest, 'kind'>) {
  const r = (await e.dispatch('term:protection.place', {
    connectionId: 'b',
    accountId: 'ACC',
    symbol: 'ES',
    side: 'sell',
    qty: 2,
    ...req,
  })) as Result<ProtectionView>;
  await e.protection.idle();
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

const orderOf = (e: Engine, clientOrderId: string | undefined): Order => {
  const o = e.ledger.orderByClientOrderId(clientOrderId ?? '');
  if (o === undefined) throw new Error(`no order ${clientOrderId}`);
  return o;
};

const OCO: Pick<Extract<ProtectionRequest, { kind: 'oco' }>, 'kind' | 'legs'> = {
  kind: 'oco',
  legs: [
    { type: 'limit', limitPrice: 5010 },
    { type: 'stop', stopPrice: 4990 },
  ],
};

describe('terminal-managed trailing stop', () => {
  it('keeps a real stop at the broker and ratchets it one way only', async () => {
    const { e, b } = await setup();
    const v = await protect(e, {
      kind: 'trailing',
      qty: 1,
      trail: { by: 'ticks', offset: 4, activationPrice: null },
    });
    expect(v.heldBy).toBe('terminal');
    const stop = orderOf(e, v.orders.ts);
    expect(stop).toMatchObject({ type: 'stop', stopPrice: 4999, heldBy: 'terminal' });
    expect(stop.trail).toMatchObject({ peak: 5000, stopPrice: 4999, activated: true });

    b.quote('ES', 5002);
    await e.protection.idle();
    expect(orderOf(e, v.orders.ts).stopPrice).toBe(5001);
    const modifies = b.received.filter((r) => r.op === 'modify').length;

    // The market falls back: the stop does not follow it down.
    b.quote('ES', 5001.5);
    b.quote('ES', 4999.5);
    await e.protection.idle();
    expect(orderOf(e, v.orders.ts).stopPrice).toBe(5001);
    expect(b.received.filter((r) => r.op === 'modify').length).toBe(modifies);

    b.quote('ES', 5003);
    await e.protection.idle();
    expect(orderOf(e, v.orders.ts)).toMatchObject({
      stopPrice: 5002,
      trail: { peak: 5003, stopPrice: 5002 },
    });
    expect(b.submissions(v.orders.ts ?? '')).toBe(1);
  });

  it('waits for its activation price before anything rests at the broker', async () => {
    const { e, b } = await setup();
    const v = await protect(e, {
      kind: 'trailing',
      qty: 1,
      trail: { by: 'amount', offset: 2, activationPrice: 5005 },
    });
    expect(e.ledger.orderByClientOrderId(v.orders.ts ?? '')).toBeUndefined();
    b.quote('ES', 5004);
    await e.protection.idle();
    expect(e.ledger.orderByClientOrderId(v.orders.ts ?? '')).toBeUndefined();
    b.quote('ES', 5006);
    await e.protection.idle();
    expect(orderOf(e, v.orders.ts)).toMatchObject({
      stopPrice: 5004,
      trail: { activated: true, peak: 5006 },
    });
  });

  it('the kill switch ends a trailing stop still waiting for its activation: nothing is placed after it', async () => {
    const { e, b } = await setup();
    const v = await protect(e, {
      kind: 'trailing',
      qty: 1,
      trail: { by: 'amount', offset: 2, activationPrice: 5005 },
    });
    const fired = (await e.dispatch('term:risk.killSwitch', { flatten: false })) as Result<RiskStatus>;
    if (!fired.ok) throw new Error(fired.error.message);
    expect(fired.value.killSwitch.steps.find((s) => s.step === 'cancel')).toMatchObject({
      state: 'done',
      detail: expect.stringMatching(/1 protection\(s\) ended/),
    });
    expect(e.protection.list().find((p) => p.id === v.id)?.status).toBe('done');
    // Unlocked and through the activation price: the ended stop stays ended.
    const unlocked = (await e.dispatch('term:risk.unlock', { confirm: 'UNLOCK' })) as Result<RiskStatus>;
    expect(unlocked.ok).toBe(true);
    b.quote('ES', 5006);
    await e.protection.idle();
    expect(e.ledger.orderByClientOrderId(v.orders.ts ?? '')).toBeUndefined();
  });

  it('keeps its market streaming before activation, when no order of it rests yet', async () => {
    const { e, b } = await setup();
    e.setWatchlist(['NQ']);
    await settle();
    expect(b.interest?.has('ES')).toBe(false);
    await protect(e, { kind: 'trailing', qty: 1, trail: { by: 'amount', offset: 2, activationPrice: 5005 } });
    await settle();
    expect(b.interest?.has('ES')).toBe(true);
  });

  it('orders.place with a trailing stop the broker cannot hold goes to the protection engine', async () => {
    const { e } = await setup();
    const r = (await e.dispatch('term:orders.place', {
      connectionId: 'b',
      accountId: 'ACC',
      symbol: 'ES',
      side: 'sell',
      type: 'trailing_stop',
      qty: 1,
      trail: { by: 'percent', offset: 0.1 },
    })) as Result<Order>;
    expect(r.ok && r.value).toMatchObject({ type: 'stop', heldBy: 'terminal', stopPrice: 4995 });
  });
});

describe('terminal-managed OCO', () => {
  it('cancels the sibling when one leg fills', async () => {
    const { e, b } = await setup();
    const v = await protect(e, OCO);
    const [l1, l2] = [orderOf(e, v.orders.l1), orderOf(e, v.orders.l2)];
    expect(l1).toMatchObject({
      heldBy: 'terminal',
      list: { id: v.id, type: 'oco', role: 'leg' },
      siblingIds: [l2.id],
    });
    b.fill(l1.id, 2, 5010);
    await e.protection.idle();
    expect(orderOf(e, v.orders.l2).status).toBe('cancelled');
    expect(e.protection.list()[0]).toMatchObject({ status: 'done' });
  });

  it('resizes the sibling after a partial fill', async () => {
    const { e, b } = await setup();
    const v = await protect(e, OCO);
    b.fill(orderOf(e, v.orders.l1).id, 1, 5010);
    await e.protection.idle();
    expect(orderOf(e, v.orders.l2)).toMatchObject({ qty: 1, status: 'working' });
    b.fill(orderOf(e, v.orders.l1).id, 1, 5010);
    await e.protection.idle();
    expect(orderOf(e, v.orders.l2).status).toBe('cancelled');
  });

  it('resolves the race where both legs fill: the overfill is flattened once and alerted', async () => {
    const { e, b } = await setup();
    const v = await protect(e, OCO);
    // Both execute before the terminal can react (one burst on the stream).
    const [l1, l2] = [orderOf(e, v.orders.l1), orderOf(e, v.orders.l2)];
    b.burst(() => {
      b.fill(l1.id, 2, 5010);
      b.fill(l2.id, 2, 4990);
    });
    await e.protection.idle();
    const fx = b.byClientId(`${v.id}-fx`);
    expect(fx).toMatchObject({ side: 'buy', type: 'market', qty: 2 });
    expect(b.submissions(`${v.id}-fx`)).toBe(1);
    expect(e.ledger.alerts().some((a) => a.level === 'critical' && a.title.includes('both exits'))).toBe(
      true,
    );
    // More events do not flatten again.
    b.quote('ES', 5001);
    b.report({ ...orderOf(e, v.orders.l2), updatedAt: Date.now() + 5 });
    await e.protection.idle();
    expect(b.submissions(`${v.id}-fx`)).toBe(1);
  });

  it('an order call accepted at the broker but unanswered never produces two orders', async () => {
    const timers = new ManualTimers();
    const { e, b } = await setup({ timers });
    b.replies = ['hang'];
    b.lookupsSee = true;
    const placing = e.dispatch('term:protection.place', {
      connectionId: 'b',
      accountId: 'ACC',
      symbol: 'ES',
      side: 'sell',
      qty: 2,
      ...OCO,
    });
    await settle();
    await timers.advance(1_000); // the first leg's deadline: outcome unknown
    await timers.advance(500); // the desk's lookup finds it
    await placing;
    await e.protection.idle();
    const v = e.protection.list()[0];
    expect(v?.status).toBe('active');
    expect(b.submissions(v?.orders.l1 ?? '')).toBe(1);
    expect(b.submissions(v?.orders.l2 ?? '')).toBe(1);
    expect(orderOf(e, v?.orders.l1).placeholder).toBeUndefined();
  });
});

describe('terminal-managed bracket', () => {
  it('sizes the exits to what the entry filled, and one exit filling cancels the other', async () => {
    const { e, b } = await setup();
    const v = await protect(e, {
      kind: 'bracket',
      side: 'buy',
      entry: { type: 'limit', limitPrice: 5000 },
      target: { ticks: 8 },
      stop: { price: 4995 },
    });
    expect(e.ledger.orderByClientOrderId(v.orders.tp ?? '')).toBeUndefined();
    const entry = orderOf(e, v.orders.en);
    b.fill(entry.id, 1, 5000);
    await e.protection.idle();
    expect(orderOf(e, v.orders.tp)).toMatchObject({
      side: 'sell',
      qty: 1,
      limitPrice: 5002,
      heldBy: 'terminal',
      parentId: entry.id,
      list: { type: 'bracket', role: 'target' },
    });
    expect(orderOf(e, v.orders.sl)).toMatchObject({
      side: 'sell',
      qty: 1,
      stopPrice: 4995,
      list: { role: 'stop' },
    });
    b.fill(entry.id, 1, 5000);
    await e.protection.idle();
    expect(orderOf(e, v.orders.tp).qty).toBe(2);
    expect(orderOf(e, v.orders.sl).qty).toBe(2);
    b.fill(orderOf(e, v.orders.tp).id, 2, 5002);
    await e.protection.idle();
    expect(orderOf(e, v.orders.sl).status).toBe('cancelled');
    expect(e.protection.list()[0]?.status).toBe('done');
  });

  it('refuses exits on the wrong side of the entry', async () => {
    const { e } = await setup();
    const r = (await e.dispatch('term:protection.place', {
      kind: 'bracket',
      connectionId: 'b',
      accountId: 'ACC',
      symbol: 'ES',
      side: 'buy',
      qty: 1,
      entry: { type: 'limit', limitPrice: 5000 },
      target: { price: 4990 },
      stop: { price: 4995 },
    })) as Result<ProtectionView>;
    expect(!r.ok && r.error.code).toBe('wrong_side');
  });

  it('runs on the paper broker: a market entry gets both exits, sized to its fill', async () => {
    const paper = new PaperConnection({ seed: 7, autoTick: false, historyMinutes: 10 });
    const e = Engine.create({ paper: false, connections: [paper], flushMs: 5 });
    engines.push(e);
    await e.start();
    const r = (await e.dispatch('term:protection.place', {
      kind: 'bracket',
      connectionId: 'paper',
      accountId: PAPER_ACCOUNT_ID,
      symbol: 'ES',
      side: 'buy',
      qty: 1,
      entry: { type: 'market' },
      target: { ticks: 40 },
      stop: { ticks: 40 },
    })) as Result<ProtectionView>;
    if (!r.ok) throw new Error(r.error.message);
    // The paper exchange fills market orders on its next tick.
    for (let i = 0; i < 50 && e.ledger.orderByClientOrderId(r.value.orders.sl ?? '') === undefined; i++) {
      paper.exchange.step();
      await e.protection.idle();
    }
    const entry = orderOf(e, r.value.orders.en);
    const tp = orderOf(e, r.value.orders.tp);
    const sl = orderOf(e, r.value.orders.sl);
    expect(entry.status).toBe('filled');
    expect(tp).toMatchObject({ heldBy: 'terminal', qty: 1, limitPrice: (entry.avgFillPrice ?? 0) + 10 });
    expect(sl).toMatchObject({ heldBy: 'terminal', qty: 1, stopPrice: (entry.avgFillPrice ?? 0) - 10 });
    expect(paper.submissions.get(r.value.orders.tp ?? '')).toBe(1);
  });
});

describe('native protection, when the broker declares it', () => {
  it('an OCO goes to the broker as one list, labelled broker, and the terminal does not manage it', async () => {
    const { e, b } = await setup({ caps: { nativeOco: true } });
    const v = await protect(e, OCO);
    expect(v.heldBy).toBe('broker');
    const l1 = orderOf(e, v.orders.l1);
    expect(l1).toMatchObject({ heldBy: 'broker', list: { id: v.id, type: 'oco' } });
    b.fill(l1.id, 2, 5010);
    await e.protection.idle();
    expect(b.received.filter((r) => r.op === 'cancel')).toHaveLength(0);
    expect(e.protection.activeTerminal()).toHaveLength(0);
  });

  it('a trailing stop goes to the broker as a trailing stop', async () => {
    const { e, b } = await setup({ caps: { nativeTrailingStop: true } });
    const v = await protect(e, {
      kind: 'trailing',
      qty: 1,
      trail: { by: 'ticks', offset: 4, activationPrice: null },
    });
    expect(v.heldBy).toBe('broker');
    expect(b.byClientId(v.orders.ts ?? '')).toMatchObject({ type: 'trailing_stop', heldBy: 'broker' });
    b.quote('ES', 5010);
    await e.protection.idle();
    expect(b.received.filter((r) => r.op === 'modify')).toHaveLength(0);
  });
});

describe('the intent journal', () => {
  it('is written before acting, 0600, and a restart resumes after reconcile without re-sending', async () => {
    const dir = tempDir();
    const path = join(dir, JOURNAL_FILE);
    const broker = new ScriptedBroker('b', 'Broker b', [ES], { nativeTrailingStop: false });
    const first = await setup({ journal: path, broker });
    const v = await protect(first.e, OCO);
    await first.e.stop();
    engines.splice(engines.indexOf(first.e), 1);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const lines = readFileSync(path, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { op: string; action?: string });
    expect(lines.map((l) => l.op)).toEqual(['open', 'act', 'act']);

    // While the engine was down the first leg filled at the broker.
    const l1 = broker.byClientId(v.orders.l1 ?? '');
    if (l1 === undefined) throw new Error('no leg');
    broker.orders.set(l1.id, {
      ...l1,
      status: 'filled',
      filledQty: 2,
      avgFillPrice: 5010,
      updatedAt: l1.updatedAt + 1,
    });
    const second = await setup({ journal: path, broker });
    await second.e.protection.idle();
    expect(second.e.protection.list()[0]).toMatchObject({ id: v.id, status: 'done' });
    expect(broker.byClientId(v.orders.l2 ?? '')?.status).toBe('cancelled');
    expect(broker.submissions(v.orders.l1 ?? '')).toBe(1);
    expect(broker.submissions(v.orders.l2 ?? '')).toBe(1);
  });

  it('reports and skips a corrupt or truncated line, never fatal', async () => {
    const dir = tempDir();
    const path = join(dir, JOURNAL_FILE);
    const open = JSON.stringify({
      v: 1,
      at: 1,
      id: 'pgabcd-test0001',
      op: 'open',
      heldBy: 'terminal',
      request: {
        kind: 'trailing',
        connectionId: 'b',
        accountId: 'ACC',
        symbol: 'ES',
        side: 'sell',
        qty: 1,
        tif: 'gtc',
        trail: { by: 'ticks', offset: 4, activationPrice: null },
        clientOrderId: 'pgabcd-test0001',
      },
    });
    writeFileSync(path, `${open}\n{"v":1,"op":"what"}\nnot json at all\n{"v":1,"at":2,"id":"pgabcd-te`);
    const { e } = await setup({ journal: path });
    expect(e.protection.journalProblems.map((p) => p.line)).toEqual([2, 3, 4]);
    expect(e.ledger.alerts().some((a) => a.title.includes('journal'))).toBe(true);
    // The good line still counts: the trailing stop resumed after reconcile and rests at the broker.
    await e.protection.idle();
    expect(orderOf(e, 'pgabcd-test0001-ts')).toMatchObject({ type: 'stop', heldBy: 'terminal' });
  });
});

describe('the quit guard', () => {
  it('keep leaves every resting order at the broker and says what it left', async () => {
    const { e, b } = await setup();
    const v = await protect(e, {
      kind: 'trailing',
      qty: 1,
      trail: { by: 'ticks', offset: 4, activationPrice: null },
    });
    expect(e.protection.activeTerminal().map((p) => p.id)).toEqual([v.id]);
    const left = await e.protection.onQuit('keep');
    expect(left).toHaveLength(1);
    expect(left[0]).toContain('stop 4999');
    expect(b.byClientId(v.orders.ts ?? '')?.status).toBe('working');
  });

  it('cancel cancels the protective orders', async () => {
    const { e, b } = await setup();
    const v = await protect(e, OCO);
    expect(await e.protection.onQuit('cancel')).toEqual([]);
    expect(b.byClientId(v.orders.l1 ?? '')?.status).toBe('cancelled');
    expect(b.byClientId(v.orders.l2 ?? '')?.status).toBe('cancelled');
    expect(e.protection.activeTerminal()).toHaveLength(0);
  });

  it('native moves a trailing stop to a broker that can hold it', async () => {
    const { e, b } = await setup();
    const v = await protect(e, {
      kind: 'trailing',
      qty: 1,
      trail: { by: 'ticks', offset: 4, activationPrice: null },
    });
    // The broker gained native trailing stops (e.g. an upgraded gateway) while this one ran.
    Object.assign(b.capabilities, { nativeTrailingStop: true });
    expect(await e.protection.onQuit('native')).toEqual([]);
    expect(b.byClientId(v.orders.ts ?? '')?.status).toBe('cancelled');
    expect([...b.orders.values()].some((o) => o.type === 'trailing_stop' && o.status === 'working')).toBe(
      true,
    );
  });
});

describe('cancelling a protection', () => {
  it('cancels its working orders and stops managing it', async () => {
    const { e, b } = await setup();
    const v = await protect(e, OCO);
    const r = (await e.dispatch('term:protection.cancel', { id: v.id })) as Result<ProtectionView>;
    expect(r.ok && r.value.status).toBe('done');
    expect(b.byClientId(v.orders.l1 ?? '')?.status).toBe('cancelled');
    expect(b.byClientId(v.orders.l2 ?? '')?.status).toBe('cancelled');
    const unknown = (await e.dispatch('term:protection.cancel', { id: 'nope' })) as Result<ProtectionView>;
    expect(!unknown.ok && unknown.error.code).toBe('not_found');
  });
});

describe('flatten and close with their protection', () => {
  const where = { connectionId: 'b', accountId: 'ACC', symbol: 'ES' };

  it('on a stale link touches nothing: the OCO stays watched and its legs stay working', async () => {
    const { e, b } = await setup();
    const v = await protect(e, OCO);
    b.state = 'stale';
    for (const channel of ['term:positions.flatten', 'term:positions.close'] as const) {
      const r = (await e.dispatch(channel, { ...where, cancelWorking: true })) as Result<Order[]>;
      if (channel === 'term:positions.flatten') expect(!r.ok && r.error.code).toBe('not_connected');
    }
    expect(e.protection.list()[0]).toMatchObject({ id: v.id, status: 'active' });
    expect(e.protection.activeTerminal()).toHaveLength(1);
    expect(b.received.filter((x) => x.op === 'cancel')).toEqual([]);
    // Back live, the OCO still does its job: a leg fill cancels the other.
    b.state = 'live';
    b.fill(orderOf(e, v.orders.l1).id, 2, 5010);
    await e.protection.idle();
    expect(orderOf(e, v.orders.l2).status).toBe('cancelled');
  });

  it('keeps the protection managed and does not close when a leg cancel fails', async () => {
    const { e, b } = await setup();
    const v = await protect(e, OCO);
    const placed = b.placed();
    b.replies = ['reject'];
    const r = (await e.dispatch('term:positions.flatten', where)) as Result<Order[]>;
    expect(!r.ok && r.error.code).toBe('protection_not_cancelled');
    expect(!r.ok && r.error.message).toMatch(/ES position was not flattened.*could not be cancelled/);
    await e.protection.idle();
    expect(e.protection.list()[0]).toMatchObject({ id: v.id, status: 'active' });
    expect(orderOf(e, v.orders.l1).status).toBe('working');
    expect(b.placed()).toBe(placed);
  });
});

describe('cancel all on the symbol', () => {
  it('ends a trailing stop still waiting for its activation: it never places an order later', async () => {
    const { e, b } = await setup();
    const v = await protect(e, {
      kind: 'trailing',
      qty: 1,
      trail: { by: 'amount', offset: 2, activationPrice: 5005 },
    });
    const r = (await e.dispatch('term:orders.cancelAll', {
      connectionId: 'b',
      accountId: 'ACC',
      symbol: 'ES',
    })) as Result<CancelAllResult>;
    expect(r).toEqual({ ok: true, value: { cancelled: [], failed: [] } });
    expect(e.protection.list()[0]).toMatchObject({ id: v.id, status: 'done' });
    b.quote('ES', 5006);
    await e.protection.idle();
    expect(e.ledger.orderByClientOrderId(v.orders.ts ?? '')).toBeUndefined();
    expect(b.placed()).toBe(0);
  });

  it("counts the OCO's legs among the cancelled orders", async () => {
    const { e, b } = await setup();
    const v = await protect(e, OCO);
    const r = (await e.dispatch('term:orders.cancelAll', {
      connectionId: 'b',
      accountId: 'ACC',
      symbol: 'ES',
    })) as Result<CancelAllResult>;
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.cancelled.map((o) => o.clientOrderId).sort()).toEqual([v.orders.l1, v.orders.l2].sort());
    expect(e.protection.list()[0]).toMatchObject({ status: 'done' });
    expect(b.byClientId(v.orders.l1 ?? '')?.status).toBe('cancelled');
  });
});

describe('reverse with a working exit', () => {
  it('does not reverse when an exit cannot be cancelled, and says which', async () => {
    const { e, b } = await setup();
    b.emit({
      type: 'position',
      position: { accountId: 'ACC', symbol: 'ES', qty: 2, avgPrice: 5000, mark: null, markedAt: null },
    });
    const stop = (await e.dispatch('term:orders.place', {
      connectionId: 'b',
      accountId: 'ACC',
      symbol: 'ES',
      side: 'sell',
      type: 'stop',
      qty: 2,
      stopPrice: 4990,
    })) as Result<Order>;
    if (!stop.ok) throw new Error(stop.error.message);
    const placed = b.placed();
    b.replies = ['reject'];
    const r = (await e.dispatch('term:positions.reverse', {
      connectionId: 'b',
      accountId: 'ACC',
      symbol: 'ES',
    })) as Result<Order[]>;
    expect(!r.ok && r.error.code).toBe('reverse_incomplete');
    expect(!r.ok && r.error.message).toMatch(new RegExp(`order ${stop.value.id} .*not reversed`));
    expect(b.placed()).toBe(placed);
  });
});

describe('native protection on the paper broker (nativeProtection)', () => {
  it('an OCO goes to the paper book as one list, labelled broker, not managed by the terminal', async () => {
    const paper = new PaperConnection({
      seed: 7,
      autoTick: false,
      historyMinutes: 10,
      nativeProtection: true,
    });
    const e = Engine.create({ paper: false, connections: [paper], flushMs: 5 });
    engines.push(e);
    await e.start();
    const last = e.ledger.quote('paper', 'ES')?.last ?? 0;
    const r = (await e.dispatch('term:protection.place', {
      kind: 'oco',
      connectionId: 'paper',
      accountId: PAPER_ACCOUNT_ID,
      symbol: 'ES',
      side: 'buy',
      qty: 1,
      // A buy limit far below (never fills) and a buy stop one point above: the market decides.
      legs: [
        { type: 'limit', limitPrice: Math.round(last * 0.9) },
        { type: 'stop', stopPrice: Math.round(last) + 1 },
      ],
    })) as Result<ProtectionView>;
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.heldBy).toBe('broker');
    expect(orderOf(e, r.value.orders.l1)).toMatchObject({
      heldBy: 'broker',
      list: { type: 'oco', id: r.value.id },
    });
    expect(paper.submissions.get(r.value.orders.l2 ?? '')).toBe(1);
    expect(e.protection.activeTerminal()).toHaveLength(0);
  });

  it('a trailing stop is a native trailing stop at the paper book', async () => {
    const paper = new PaperConnection({
      seed: 7,
      autoTick: false,
      historyMinutes: 10,
      nativeProtection: true,
    });
    const e = Engine.create({ paper: false, connections: [paper], flushMs: 5 });
    engines.push(e);
    await e.start();
    const r = (await e.dispatch('term:protection.place', {
      kind: 'trailing',
      connectionId: 'paper',
      accountId: PAPER_ACCOUNT_ID,
      symbol: 'ES',
      side: 'sell',
      qty: 1,
      trail: { by: 'ticks', offset: 8 },
    })) as Result<ProtectionView>;
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.heldBy).toBe('broker');
    const o = orderOf(e, r.value.orders.ts);
    expect(o).toMatchObject({ heldBy: 'broker', status: 'working' });
    expect(o.stopPrice).not.toBeNull();
  });
});
