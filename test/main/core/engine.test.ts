import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../../src/main/core/engine';
import { PaperConnection } from '../../../src/main/core/paper/connection';
import { StatusReport } from '../../../src/shared/status';
import { Snapshot, type Batch, type StreamMessage } from '../../../src/shared/stream';
import type { Result } from '../../../src/shared/contract';
import type { Order } from '../../../src/shared/domain';
import { ES, fill, order, quote } from './fixtures';

const T0 = Date.UTC(2026, 0, 5, 14, 30);
let engine: Engine | null = null;

async function makeEngine() {
  const clock = { t: T0 };
  const paper = new PaperConnection({ seed: 11, now: () => clock.t, autoTick: false, historyMinutes: 120 });
  const e = Engine.create({ paper: false, connections: [paper], now: () => clock.t, flushMs: 5 });
  engine = e;
  await e.start();
  const tick = () => {
    clock.t += 200;
    paper.exchange.step();
  };
  return { e, paper, clock, tick };
}

/** Resolve with the first streamed batch matching `pred` (the stream is the only way out). */
function nextBatch(e: Engine, pred: (b: Batch) => boolean): Promise<Batch> {
  return new Promise((resolve) => {
    const off = e.subscribe((m: StreamMessage) => {
      if (m.kind === 'batch' && pred(m)) {
        off();
        resolve(m);
      }
    });
  });
}

const place = {
  connectionId: 'paper',
  accountId: 'PAPER-1',
  symbol: 'ES',
  side: 'buy',
  type: 'market',
  qty: 2,
} as const;

afterEach(async () => {
  await engine?.stop();
  engine = null;
});

describe('Engine.dispatch', () => {
  it('throws on an unknown channel and returns a readable error for an invalid payload', async () => {
    const { e } = await makeEngine();
    await expect(e.dispatch('term:orders.explode', {})).rejects.toThrow(/Unknown channel/);
    const r = (await e.dispatch('term:orders.place', { ...place, type: 'limit' })) as Result<Order>;
    expect(r).toEqual({
      ok: false,
      error: {
        code: 'invalid_request',
        message: expect.stringContaining('limitPrice: a limit order needs a limit price'),
        // The same, per field and in a sentence, for a form to show beside the field.
        fields: { limitPrice: 'A limit order needs a limit price.' },
      },
    });
    const neg = (await e.dispatch('term:orders.place', { ...place, qty: -1 })) as Result<Order>;
    expect(!neg.ok && neg.error.message).toMatch(/^Invalid request for term:orders.place: qty: /);
    await expect(e.dispatch('term:stream.snapshot', { extra: 1 })).rejects.toThrow(/Invalid request/);
  });

  it('places an order that shows up in the snapshot and streams the resulting position', async () => {
    const { e, tick } = await makeEngine();
    const positionBatch = nextBatch(e, (b) => b.positions.some((p) => p.symbol === 'ES' && p.qty === 2));
    const r = (await e.dispatch('term:orders.place', place)) as Result<Order>;
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.clientOrderId).toMatch(/^pg[0-9a-f]{4}-[0-9a-z]{10,}$/);
    expect(r.value.clientOrderId.length).toBeLessThanOrEqual(36);
    const snap = Snapshot.parse(await e.dispatch('term:stream.snapshot', {}));
    expect(snap.orders.find((o) => o.id === r.value.id)).toMatchObject({
      symbol: 'ES',
      qty: 2,
      status: 'filled',
    });
    expect(snap.accounts[0]).toMatchObject({ accountId: 'PAPER-1', verified: true, fees: 4.5 });
    tick();
    const b = await positionBatch;
    expect(b.seq).toBeGreaterThan(snap.seq);
    const second = (await e.dispatch('term:orders.place', place)) as Result<Order>;
    expect(second.ok && second.value.clientOrderId).not.toBe(r.value.clientOrderId);
    StatusReport.parse(e.status());
    expect(e.pnlSummary()).toMatchObject({ currency: 'USD', unverified: false });
  });

  it('rejects an off-tick price and an unknown symbol before they reach the broker', async () => {
    const { e } = await makeEngine();
    const offTick = (await e.dispatch('term:orders.place', {
      ...place,
      type: 'limit',
      limitPrice: 5000.1,
    })) as Result<Order>;
    expect(!offTick.ok && offTick.error).toEqual({
      code: 'off_tick',
      message: "Limit price 5000.1 is not on ES's tick grid: the tick size is 0.25 (nearest 5000).",
    });
    const unknown = (await e.dispatch('term:orders.place', { ...place, symbol: 'ZZZ' })) as Result<Order>;
    expect(!unknown.ok && unknown.error.code).toBe('unknown_symbol');
    expect(e.snapshot().orders).toHaveLength(0);
  });

  it('closes a position with an opposite market order', async () => {
    const { e } = await makeEngine();
    await e.dispatch('term:orders.place', { ...place, side: 'sell', qty: 1 });
    const r = (await e.dispatch('term:positions.close', {
      connectionId: 'paper',
      accountId: 'PAPER-1',
      symbol: 'ES',
    })) as Result<Order[]>;
    expect(r.ok && r.value.map((o) => [o.side, o.qty, o.type])).toEqual([['buy', 1, 'market']]);
    expect(e.snapshot().positions.find((p) => p.symbol === 'ES')?.qty).toBe(0);
    const again = (await e.dispatch('term:positions.close', {
      connectionId: 'paper',
      accountId: 'PAPER-1',
      symbol: 'ES',
    })) as Result<Order[]>;
    expect(!again.ok && again.error.code).toBe('flat');
  });

  it('opens a chart with history and streams its forming bar', async () => {
    const { e, tick } = await makeEngine();
    const r = (await e.dispatch('term:charts.open', { symbol: 'ES', timeframe: '1m' })) as Result<{
      series: string;
      bars: unknown[];
    }>;
    expect(r.ok && r.value.series).toBe('ES|1m');
    expect(r.ok && r.value.bars.length).toBe(120);
    const barBatch = nextBatch(e, (b) => b.bars.some((fb) => fb.series === 'ES|1m'));
    for (let i = 0; i < 5; i++) tick();
    await barBatch;
    expect(await e.dispatch('term:charts.close', { series: 'ES|1m' })).toEqual({ ok: true, value: {} });
  });

  it('pages a chart back through charts.history until the connection has nothing older', async () => {
    const { e } = await makeEngine();
    const first = (await e.dispatch('term:charts.open', { symbol: 'ES', timeframe: '1m' })) as Result<{
      bars: { time: number }[];
    }>;
    if (!first.ok) throw new Error('no history');
    const oldest = first.value.bars[0]?.time ?? 0;
    // The engine caps a first load; ask for 50 before the first of a short page.
    const page = (await e.dispatch('term:charts.history', {
      series: 'ES|1m',
      before: oldest + 60 * 60_000,
      count: 50,
    })) as Result<{ bars: { time: number }[]; more: boolean }>;
    expect(page.ok && page.value.bars).toHaveLength(50);
    expect(page.ok && page.value.bars.every((b) => b.time < oldest + 60 * 60_000)).toBe(true);
    const none = (await e.dispatch('term:charts.history', {
      series: 'ES|1m',
      before: oldest,
      count: 50,
    })) as Result<{ bars: unknown[]; more: boolean; reason?: string }>;
    expect(none).toEqual({
      ok: true,
      value: { series: 'ES|1m', bars: [], more: false, reason: 'No older ES history.' },
    });
    const unknown = (await e.dispatch('term:charts.history', {
      series: 'NQ|1m',
      before: oldest,
      count: 50,
    })) as Result<unknown>;
    expect(!unknown.ok && unknown.error.code).toBe('not_found');
  });

  it("builds seconds bars from the paper broker's prints, and 4h / 1D from its minutes", async () => {
    const { e, tick } = await makeEngine();
    for (let i = 0; i < 100; i++) tick();
    const secs = (await e.dispatch('term:charts.open', { symbol: 'ES', timeframe: '5s' })) as Result<{
      bars: { time: number }[];
    }>;
    expect(secs.ok && secs.value.bars.length).toBeGreaterThan(1);
    expect(secs.ok && secs.value.bars.every((b) => b.time % 5_000 === 0)).toBe(true);
    for (const timeframe of ['4h', '1D'] as const) {
      const r = (await e.dispatch('term:charts.open', { symbol: 'ES', timeframe })) as Result<{
        bars: { time: number }[];
      }>;
      expect(r.ok && r.value.bars.length).toBeGreaterThan(0);
    }
  });

  it('marks the account unverified on disconnect and verified again after reconnect', async () => {
    const { e } = await makeEngine();
    const unverified = nextBatch(e, (b) => b.accounts.some((a) => !a.verified));
    expect(await e.dispatch('term:connections.disconnect', { id: 'paper' })).toEqual({ ok: true, value: {} });
    await unverified;
    expect(e.pnlSummary().unverified).toBe(true);
    const rejected = (await e.dispatch('term:orders.place', place)) as Result<Order>;
    expect(!rejected.ok && rejected.error.code).toBe('not_connected');
    const verified = nextBatch(e, (b) => b.accounts.some((a) => a.verified));
    await e.dispatch('term:connections.reconnect', { id: 'paper' });
    await verified;
    expect(e.status().connections[0]?.state).toBe('live');
    const missing = (await e.dispatch('term:connections.reconnect', { id: 'nope' })) as Result<object>;
    expect(!missing.ok && missing.error.code).toBe('not_found');
  });
});

describe('Engine: removing and disabling a connection', () => {
  async function withOrder() {
    const m = await makeEngine();
    const r = (await m.e.dispatch('term:orders.place', place)) as Result<Order>;
    expect(r.ok).toBe(true);
    m.e.batcher.flush();
    return m;
  }

  it('removeConnection forgets everything it reported and streams the removals', async () => {
    const { e, paper } = await withOrder();
    const removal = nextBatch(e, (b) => b.removed.connections.includes('paper'));
    expect(await e.removeConnection('paper')).toBe(true);
    e.batcher.flush();
    const b = await removal;
    expect(b.removed.accounts).toEqual(['paper:PAPER-1']);
    expect(b.removed.positions).toEqual(['paper:PAPER-1:ES']);
    expect(b.removed.orders).toHaveLength(1);
    const snap = e.snapshot();
    expect([snap.connections, snap.accounts, snap.positions, snap.orders, snap.fills, snap.quotes]).toEqual([
      [],
      [],
      [],
      [],
      [],
      [],
    ]);
    // A removed connection that still emits while shutting down brings nothing back.
    paper.exchange.step();
    expect(e.snapshot().quotes).toEqual([]);
  });

  it('disableConnection keeps the rows, stopped and unverified', async () => {
    const { e } = await withOrder();
    expect(await e.disableConnection('paper')).toBe(true);
    const snap = e.snapshot();
    expect(snap.connections.map((c) => [c.id, c.state])).toEqual([['paper', 'stopped']]);
    expect(snap.accounts.map((a) => [a.accountId, a.verified])).toEqual([['PAPER-1', false]]);
    expect(snap.positions.map((p) => [p.symbol, p.qty])).toEqual([['ES', 2]]);
    // Removing it later forgets the kept rows.
    expect(await e.removeConnection('paper')).toBe(false);
    expect(e.snapshot().accounts).toEqual([]);
  });
});

describe('Engine: client order id per intent', () => {
  const intent = { ...place, clientOrderId: 'ticket-7f3a-0001' } as const;

  it('uses the trader’s id and turns a retry into the existing order, never a second one', async () => {
    const { e } = await makeEngine();
    const first = (await e.dispatch('term:orders.place', intent)) as Result<Order>;
    expect(first.ok && first.value.clientOrderId).toBe('ticket-7f3a-0001');
    const retry = (await e.dispatch('term:orders.place', intent)) as Result<Order>;
    expect(retry.ok && first.ok && retry.value.id === first.value.id).toBe(true);
    expect(e.snapshot().orders).toHaveLength(1);
    expect(e.snapshot().positions.find((p) => p.symbol === 'ES')?.qty).toBe(2);
  });

  it('places once when two requests with the same id are in flight together', async () => {
    const { e } = await makeEngine();
    const [a, b] = (await Promise.all([
      e.dispatch('term:orders.place', intent),
      e.dispatch('term:orders.place', intent),
    ])) as Result<Order>[];
    expect(a?.ok && b?.ok && a.value.id === b.value.id).toBe(true);
    expect(e.snapshot().orders).toHaveLength(1);
  });

  it('refuses an id reused for a different order, and retries a refused attempt afresh', async () => {
    const { e } = await makeEngine();
    await e.dispatch('term:orders.place', intent);
    const other = (await e.dispatch('term:orders.place', {
      ...intent,
      symbol: 'NQ',
    })) as Result<Order>;
    expect(!other.ok && other.error.code).toBe('duplicate_client_order_id');
    // Refused before it reached the broker: nothing exists, so the same id may try again.
    const refusedId = { ...place, clientOrderId: 'ticket-7f3a-0002', qty: 100 } as const;
    const refused = (await e.dispatch('term:orders.place', refusedId)) as Result<Order>;
    expect(!refused.ok && refused.error.code).toBe('insufficient_buying_power');
    const retried = (await e.dispatch('term:orders.place', { ...refusedId, qty: 1 })) as Result<Order>;
    expect(retried.ok && retried.value.clientOrderId).toBe('ticket-7f3a-0002');
    expect(e.snapshot().orders).toHaveLength(2);
  });
});

describe('Engine: flatten', () => {
  it('cancels the resting stop, then closes the position: nothing working, nothing held', async () => {
    const { e, paper } = await makeEngine();
    await e.dispatch('term:orders.place', place);
    const last = paper.exchange.quote('ES')?.last ?? NaN;
    const stop = (await e.dispatch('term:orders.place', {
      ...place,
      side: 'sell',
      type: 'stop',
      stopPrice: last - 5,
      tif: 'gtc',
    })) as Result<Order>;
    expect(stop.ok && stop.value.status).toBe('working');
    const r = (await e.dispatch('term:positions.flatten', {
      connectionId: 'paper',
      accountId: 'PAPER-1',
      symbol: 'ES',
    })) as Result<Order[]>;
    expect(r.ok && r.value.map((o) => [o.type, o.side, o.status])).toEqual([
      ['stop', 'sell', 'cancelled'],
      ['market', 'sell', 'filled'],
    ]);
    const snap = e.snapshot();
    expect(
      snap.orders.filter((o) => o.symbol === 'ES' && !['filled', 'cancelled'].includes(o.status)),
    ).toEqual([]);
    expect(snap.positions.find((p) => p.symbol === 'ES')?.qty).toBe(0);
    // Already flat with nothing working: nothing to touch.
    const again = (await e.dispatch('term:positions.flatten', {
      connectionId: 'paper',
      accountId: 'PAPER-1',
      symbol: 'ES',
    })) as Result<Order[]>;
    expect(again).toEqual({ ok: true, value: [] });
  });
});

describe('Engine: health carries the trading capability', () => {
  it('sets trading on the snapshot and on every streamed health', async () => {
    const { e } = await makeEngine();
    expect(e.snapshot().connections.map((c) => [c.id, c.trading])).toEqual([['paper', true]]);
    const stopped = nextBatch(e, (b) => b.connections.some((c) => c.state === 'stopped'));
    await e.dispatch('term:connections.disconnect', { id: 'paper' });
    const b = await stopped;
    expect(b.connections.every((c) => c.trading === true)).toBe(true);
    const live = nextBatch(e, (x) => x.connections.some((c) => c.state === 'live'));
    await e.dispatch('term:connections.reconnect', { id: 'paper' });
    expect((await live).connections.every((c) => c.trading === true)).toBe(true);
  });
});

describe('Engine.status', () => {
  it('rounds prices to the instrument precision and money to cents, in the report only', async () => {
    // 0.1 + 0.2 style tails: avg (0.1 + 2 × 0.2) / 3, mid (0.3 + 0.31) / 2, a limit of 0.1 + 0.2.
    const e = Engine.create({ paper: false, flushMs: 5 });
    engine = e;
    const l = e.ledger;
    l.apply('c1', {
      type: 'instrument',
      instrument: { ...ES, symbol: 'X', tickSize: 0.01, multiplier: 1, pricePrecision: 2 },
    });
    l.apply('c1', {
      type: 'account',
      account: { accountId: 'A1', name: 'A', currency: 'USD', cash: 1000.1 },
    });
    l.apply('c1', { type: 'fill', fill: fill({ id: 'f1', symbol: 'X', side: 'buy', qty: 1, price: 0.1 }) });
    l.apply('c1', { type: 'fill', fill: fill({ id: 'f2', symbol: 'X', side: 'buy', qty: 2, price: 0.2 }) });
    l.apply('c1', { type: 'quote', quote: quote({ symbol: 'X', bid: 0.3, ask: 0.31, last: 0.3 }) });
    l.apply('c1', { type: 'order', order: order({ symbol: 'X', limitPrice: 0.1 + 0.2 }) });
    const raw = l.positions()[0];
    // The ledger keeps full precision (the float tails this report must not show).
    expect(raw?.avgPrice).not.toBe(0.166667);
    expect(l.orders()[0]?.limitPrice).not.toBe(0.3);
    const s = e.status();
    // An average and a mid are not on the tick grid: they keep their real digits, minus the tail.
    expect(s.positions[0]).toMatchObject({ avgPrice: 0.166667, last: 0.305 });
    expect(s.positions[0]?.unrealizedPnl).toBe(Number((raw?.unrealizedPnl ?? NaN).toFixed(2)));
    expect(s.orders[0]?.price).toBe(0.3);
    for (const n of [s.accounts[0]?.equity, s.accounts[0]?.dayPnl, s.positions[0]?.unrealizedPnl])
      expect(String(n)).toMatch(/^-?\d+(\.\d{1,2})?$/);
  });
});

describe('Engine: paper day P&L', () => {
  it('starts the day P&L again from the equity marked at the session boundary', async () => {
    const { e, paper, clock, tick } = await makeEngine();
    await e.dispatch('term:orders.place', place);
    for (let i = 0; i < 30; i++) tick();
    const before = e.ledger.account('paper', 'PAPER-1');
    expect(before?.dayPnl).toBeCloseTo((before?.equity ?? NaN) - 100_000, 6);
    clock.t = Date.UTC(2026, 0, 6, 0, 0, 0, 50);
    const atClose = Math.round(paper.exchange.equity() * 100) / 100;
    paper.exchange.step();
    const after = e.ledger.account('paper', 'PAPER-1');
    expect(after?.dayPnl).toBeCloseTo((after?.equity ?? NaN) - atClose, 6);
  });
});
