/**
 * Alert rules through the real engine and ledger with a test clock: each rule type fires once per
 * crossing, re-arms only after the hysteresis band, is journaled (0600) and does not fire again
 * after a restart on the same day. Quotes and fills are applied to the ledger as a broker would
 * report them, so prices move exactly where the test says.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../../../src/main/core/engine';
import { crossing } from '../../../../src/main/core/alerts/threshold';
import type { AlertRuleInput, AlertsConfigInput } from '../../../../src/shared/alerts';
import type { Result } from '../../../../src/shared/contract';
import { blankHealth, type ConnectionHealth } from '../../../../src/shared/domain';
import type { Alert } from '../../../../src/shared/stream';
import { ES, fill, quote } from '../fixtures';
import { ScriptedBroker } from '../../../support/broker';

const T0 = Date.UTC(2026, 11, 1, 14, 0, 0);
let engines: Engine[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const e of engines) await e.stop();
  engines = [];
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'peregrine-alerts-'));
  dirs.push(d);
  return d;
}

async function setup(rules: AlertRuleInput[], opts: { dataDir?: string; clock?: { t: number } } = {}) {
  const clock = opts.clock ?? { t: T0 };
  const broker = new ScriptedBroker('a', 'Broker A', [ES]);
  const e = Engine.create({
    paper: false,
    connections: [broker],
    now: () => clock.t,
    alertTickMs: 0,
    flushMs: 5,
    ...(opts.dataDir === undefined ? {} : { dataDir: opts.dataDir }),
  });
  engines.push(e);
  await e.start();
  const config: AlertsConfigInput = { rules };
  const saved = (await e.dispatch('term:alerts.saveConfig', config)) as Result<unknown>;
  expect(saved.ok).toBe(true);
  /** The market trades at `price` now (bid = ask = last, so the mark is exact). */
  const price = (p: number): void => {
    e.ledger.apply('a', {
      type: 'quote',
      quote: quote({
        symbol: 'ES',
        connectionId: 'a',
        bid: p,
        ask: p,
        last: p,
        ts: clock.t,
        receivedAt: clock.t,
      }),
    });
    e.evaluateRisk();
  };
  return { e, clock, broker, price };
}

/** Long 1 ES at 5000 (50 per point): every point is 50 of P&L. */
function buyOneAt5000(e: Engine): void {
  e.ledger.apply('a', {
    type: 'fill',
    fill: fill({ id: 'x1', connectionId: 'a', accountId: 'ACC', side: 'buy', qty: 1, price: 5000 }),
  });
}

const firedBy = (e: Engine, ruleId: string): Alert[] => e.ledger.alerts().filter((a) => a.ruleId === ruleId);
const historyOf = async (e: Engine, ruleId: string) => {
  const r = (await e.dispatch('term:alerts.history', {})) as Result<{ ruleId: string; muted: boolean }[]>;
  if (!r.ok) throw new Error(r.error.message);
  return r.value.filter((f) => f.ruleId === ruleId);
};

describe('threshold crossing with hysteresis', () => {
  it('fires on reaching, stays quiet inside the band, re-arms beyond it', () => {
    expect(crossing('below', -100, 50, -100, true)).toEqual({ fire: true, rearm: false, armed: false });
    expect(crossing('below', -100, 50, -60, false)).toEqual({ fire: false, rearm: false, armed: false });
    expect(crossing('below', -100, 50, -49, false)).toEqual({ fire: false, rearm: true, armed: true });
    expect(crossing('above', 200, 0, 199.99, false)).toEqual({ fire: false, rearm: true, armed: true });
    expect(crossing('above', 200, 0, 200, false).armed).toBe(false);
  });
});

describe('P&L rules', () => {
  it('total P&L below a threshold fires once per crossing and re-arms after the band', async () => {
    const { e, price } = await setup([
      { id: 'loss', kind: 'pnl', scope: 'total', direction: 'below', threshold: -100, hysteresis: 50 },
    ]);
    buyOneAt5000(e);
    price(4999); // −50
    expect(firedBy(e, 'loss')).toHaveLength(0);
    price(4998); // −100: crosses
    expect(firedBy(e, 'loss')).toHaveLength(1);
    expect(firedBy(e, 'loss')[0]).toMatchObject({ active: true, level: 'warning', sound: true });
    // Hovering around the threshold inside the band: nothing more.
    for (const p of [4997, 4998.5, 4997.75, 4998.25, 4996]) price(p);
    expect(firedBy(e, 'loss')).toHaveLength(1);
    price(4999.5); // −25: past the band, re-armed, the alert no longer active
    expect(firedBy(e, 'loss')).toHaveLength(1);
    expect(firedBy(e, 'loss')[0]?.active).toBe(false);
    price(4997); // crosses again
    expect(firedBy(e, 'loss')).toHaveLength(2);
    expect(await historyOf(e, 'loss')).toHaveLength(2);
  });

  it('per-position and per-account P&L above a threshold', async () => {
    const { e, price } = await setup([
      { id: 'pos', kind: 'pnl', scope: 'position', symbol: 'ES', direction: 'above', threshold: 100 },
      { id: 'acct', kind: 'pnl', scope: 'account', account: 'a:ACC', direction: 'above', threshold: 200 },
    ]);
    buyOneAt5000(e);
    price(5002); // +100
    expect(firedBy(e, 'pos')).toHaveLength(1);
    expect(firedBy(e, 'pos')[0]).toMatchObject({ symbol: 'ES', connectionId: 'a', level: 'info' });
    expect(firedBy(e, 'acct')).toHaveLength(0);
    price(5004); // +200
    expect(firedBy(e, 'acct')).toHaveLength(1);
    expect(firedBy(e, 'pos')).toHaveLength(1);
  });

  it('a stale mark neither fires nor re-arms a P&L rule', async () => {
    const { e, clock, price } = await setup([
      { id: 'loss', kind: 'pnl', direction: 'below', threshold: -100 },
    ]);
    buyOneAt5000(e);
    price(4999);
    clock.t += 60_000; // no quote for a minute: the mark is stale
    e.ledger.apply('a', {
      type: 'quote',
      quote: quote({ symbol: 'ES', connectionId: 'a', bid: 4990, ask: 4990, last: 4990, receivedAt: T0 }),
    });
    e.evaluateRisk();
    expect(firedBy(e, 'loss')).toHaveLength(0);
  });

  it('drawdown from the day peak', async () => {
    const { e, price } = await setup([{ id: 'dd', kind: 'drawdown', amount: 150, hysteresis: 50 }]);
    buyOneAt5000(e);
    price(5004); // +200 peak
    price(5002); // 100 down
    expect(firedBy(e, 'dd')).toHaveLength(0);
    price(5001); // 150 down
    expect(firedBy(e, 'dd')).toHaveLength(1);
    price(5000.5);
    price(5001.5); // recovers to 125 down: inside the band
    expect(firedBy(e, 'dd')).toHaveLength(1);
  });
});

describe('price, connection, stale, unverified and event rules', () => {
  it('a price crossing a level fires once until it goes back past the band', async () => {
    const { e, price } = await setup([
      { id: 'px', kind: 'price', symbol: 'ES', direction: 'above', level: 5010, hysteresis: 2 },
    ]);
    price(5009);
    price(5010);
    price(5009.5);
    price(5011);
    expect(firedBy(e, 'px')).toHaveLength(1);
    price(5007.75);
    price(5010.25);
    expect(firedBy(e, 'px')).toHaveLength(2);
  });

  it('connection lost and recovered', async () => {
    const { e } = await setup([{ id: 'conn', kind: 'connection' }]);
    const h = (state: ConnectionHealth['state']): void =>
      e.ledger.apply('a', {
        type: 'health',
        health: blankHealth({ id: 'a', kind: 'scripted', label: 'Broker A', mode: 'demo', state, since: T0 }),
      });
    h('live');
    h('backoff');
    const lost = firedBy(e, 'conn');
    expect(lost).toHaveLength(1);
    expect(lost[0]).toMatchObject({ title: 'Broker A: connection lost', active: true, connectionId: 'a' });
    h('connecting'); // still lost: no second alert
    expect(firedBy(e, 'conn')).toHaveLength(1);
    h('live');
    const after = firedBy(e, 'conn');
    expect(after).toHaveLength(2);
    expect(after[0]?.active).toBe(false);
    expect(after[1]).toMatchObject({ title: 'Broker A: connection recovered', level: 'info' });
  });

  it('a stale feed for longer than N seconds, cleared when data flows again', async () => {
    const { e, clock } = await setup([{ id: 'stale', kind: 'stale', seconds: 20 }]);
    const h = (lastMessageAt: number): void =>
      e.ledger.apply('a', {
        type: 'health',
        health: {
          ...blankHealth({
            id: 'a',
            kind: 'scripted',
            label: 'Broker A',
            mode: 'demo',
            state: 'live',
            since: T0,
          }),
          lastMessageAt,
        },
      });
    h(T0);
    clock.t = T0 + 10_000;
    e.evaluateRisk();
    expect(firedBy(e, 'stale')).toHaveLength(0);
    clock.t = T0 + 25_000;
    e.evaluateRisk();
    expect(firedBy(e, 'stale')).toHaveLength(1);
    h(clock.t);
    e.evaluateRisk();
    expect(firedBy(e, 'stale')[0]?.active).toBe(false);
  });

  it('an account unverified for longer than N seconds', async () => {
    const { e, clock } = await setup([{ id: 'unv', kind: 'unverified', seconds: 5 }]);
    e.ledger.apply('a', { type: 'unverified' });
    e.evaluateRisk();
    clock.t += 6_000;
    e.evaluateRisk();
    expect(firedBy(e, 'unv')).toHaveLength(1);
  });

  it('a fill and a rejected order', async () => {
    const { e, broker } = await setup([
      { id: 'fills', kind: 'fill' },
      { id: 'rej', kind: 'rejected' },
    ]);
    buyOneAt5000(e);
    expect(firedBy(e, 'fills')[0]).toMatchObject({ title: 'Filled: buy 1 ES @ 5000', active: false });
    broker.report({
      id: 'R1',
      clientOrderId: 'pg-r1-aaaaaaaa',
      connectionId: 'a',
      accountId: 'ACC',
      symbol: 'ES',
      side: 'buy',
      type: 'limit',
      tif: 'day',
      qty: 1,
      filledQty: 0,
      avgFillPrice: null,
      limitPrice: 4000,
      stopPrice: null,
      status: 'rejected',
      rejectReason: 'margin',
      heldBy: 'broker',
      createdAt: T0,
      updatedAt: T0,
    });
    expect(firedBy(e, 'rej')[0]?.message).toContain('margin');
  });

  it('protection failed or fell back, and a signal, through their seams', async () => {
    const { e } = await setup([
      { id: 'prot', kind: 'protection' },
      { id: 'sig', kind: 'signal' },
    ]);
    e.alerts.protection({ kind: 'failed', connectionId: 'a', symbol: 'ES', message: 'stop refused' });
    e.alerts.signal({ source: 'signals', message: 'ES long' });
    expect(firedBy(e, 'prot')[0]).toMatchObject({ level: 'critical', title: 'Protection failed' });
    expect(firedBy(e, 'sig')).toHaveLength(1);
  });

  it('paused alerts are journaled and listed, muted, without sound', async () => {
    const { e, price } = await setup([
      { id: 'px', kind: 'price', symbol: 'ES', direction: 'above', level: 5001 },
    ]);
    const paused = (await e.dispatch('term:alerts.pause', { minutes: 15 })) as Result<{
      pausedUntil: number;
    }>;
    expect(paused.ok && paused.value.pausedUntil).toBe(T0 + 15 * 60_000);
    price(5002);
    expect(firedBy(e, 'px')[0]).toMatchObject({ muted: true, sound: false });
    expect((await historyOf(e, 'px'))[0]?.muted).toBe(true);
  });
});

describe('the journal', () => {
  it('a rule that fired today does not fire again after a restart; the file is owner-only', async () => {
    const dataDir = tempDir();
    const clock = { t: T0 };
    const rules: AlertRuleInput[] = [
      { id: 'loss', kind: 'pnl', direction: 'below', threshold: -100, hysteresis: 50 },
    ];
    const first = await setup(rules, { dataDir, clock });
    buyOneAt5000(first.e);
    first.price(4997);
    expect(firedBy(first.e, 'loss')).toHaveLength(1);
    await first.e.stop();
    engines = engines.filter((x) => x !== first.e);

    const files = readdirSync(join(dataDir, 'journal'));
    expect(files).toEqual(['alerts-2026-12-01.jsonl']);
    expect(statSync(join(dataDir, 'journal', files[0] ?? '')).mode & 0o777).toBe(0o600);

    clock.t += 60_000;
    const second = await setup(rules, { dataDir, clock });
    buyOneAt5000(second.e);
    second.price(4997); // still below: fired already today
    expect(firedBy(second.e, 'loss')).toHaveLength(0);
    expect(await historyOf(second.e, 'loss')).toHaveLength(1);
    second.price(5000); // re-arms
    second.price(4997);
    expect(firedBy(second.e, 'loss')).toHaveLength(1);

    // The next UTC day starts armed.
    clock.t = Date.UTC(2026, 11, 2, 1, 0, 0);
    const third = await setup(rules, { dataDir, clock });
    buyOneAt5000(third.e);
    third.price(4997);
    expect(firedBy(third.e, 'loss')).toHaveLength(1);
  });
});
