import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../../../src/main/core/engine';
import type { CancelAllResult, Result } from '../../../../src/shared/contract';
import type { Order } from '../../../../src/shared/domain';
import { Snapshot } from '../../../../src/shared/stream';
import { StatusReport } from '../../../../src/shared/status';
import { ES, order } from '../fixtures';
import { ScriptedBroker } from '../../../support/broker';
import { ManualTimers, settle } from '../../../support/timers';

let engine: Engine | null = null;

afterEach(async () => {
  await engine?.stop();
  engine = null;
});

const DEADLINE = 1_000;
const SCHEDULE = [500, 1_500, 3_500];

async function setup(...ids: string[]) {
  const timers = new ManualTimers();
  const brokers = ids.map((id) => new ScriptedBroker(id, `Broker ${id}`, [ES]));
  // A broker named "live…" reports a live-mode account.
  for (const b of brokers) if (b.id.startsWith('live')) b.mode = 'live';
  const e = Engine.create({
    paper: false,
    connections: brokers,
    flushMs: 5,
    timers,
    orderDeadlineMs: DEADLINE,
    orderLookupScheduleMs: SCHEDULE,
  });
  engine = e;
  await e.start();
  return { e, timers, brokers: brokers as [ScriptedBroker, ...ScriptedBroker[]] };
}

const buy = (connectionId: string, over: Record<string, unknown> = {}) => ({
  connectionId,
  accountId: 'ACC',
  symbol: 'ES',
  side: 'buy',
  type: 'limit',
  qty: 1,
  limitPrice: 5000,
  ...over,
});

async function newId(e: Engine): Promise<string> {
  const r = (await e.dispatch('term:orders.newClientOrderId', {})) as Result<{ clientOrderId: string }>;
  if (!r.ok) throw new Error(r.error.message);
  return r.value.clientOrderId;
}

const rowOf = (e: Engine, connectionId: string, clientOrderId: string): Order | undefined =>
  e.snapshot().orders.find((o) => o.connectionId === connectionId && o.clientOrderId === clientOrderId);

describe('order desk: an order call that never answers', () => {
  it('shows the order as unknown, resolves it by lookup, and the broker sees one submission; a retry sends nothing', async () => {
    const { e, timers, brokers } = await setup('a');
    const [b] = brokers;
    const id = await newId(e);
    b.replies = ['hang'];
    b.lookupsSee = false; // still in flight at the broker for a while
    const first = e.dispatch('term:orders.place', buy('a', { clientOrderId: id })) as Promise<Result<Order>>;
    await settle();
    // Sending: one row, the desk's placeholder, clearly marked.
    expect(rowOf(e, 'a', id)).toMatchObject({ status: 'pending', placeholder: true });

    await timers.advance(DEADLINE);
    const r = await first;
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.code).toBe('outcome_unknown');
    expect(rowOf(e, 'a', id)).toMatchObject({ status: 'unknown', placeholder: true });

    // A retry click during the unknown state: refused without reaching the broker.
    const retry = (await e.dispatch('term:orders.place', buy('a', { clientOrderId: id }))) as Result<Order>;
    expect(!retry.ok && retry.error.code).toBe('outcome_unknown');
    expect(b.submissions(id)).toBe(1);

    // The first lookup misses (still in flight); the order is still unknown, not given up.
    await timers.advance(SCHEDULE[0] ?? 0);
    expect(b.received.filter((x) => x.op === 'lookup')).toHaveLength(1);
    expect(rowOf(e, 'a', id)?.status).toBe('unknown');

    // The broker now has it: the next lookup finds it, and its row replaces the placeholder.
    b.lookupsSee = true;
    await timers.advance((SCHEDULE[1] ?? 0) - (SCHEDULE[0] ?? 0));
    const resolved = e.snapshot().orders.filter((o) => o.clientOrderId === id);
    expect(resolved).toHaveLength(1);
    expect(resolved[0]).toMatchObject({ id: 'A-1', status: 'working' });
    expect(resolved[0]?.placeholder).toBeUndefined();
    expect(b.submissions(id)).toBe(1);

    // Now settled: the same click again is the existing order, still never a second submission.
    const again = (await e.dispatch('term:orders.place', buy('a', { clientOrderId: id }))) as Result<Order>;
    expect(again.ok && again.value.id).toBe('A-1');
    expect(b.submissions(id)).toBe(1);
  });

  it('is resolved by the order appearing on the stream before any lookup', async () => {
    const { e, timers, brokers } = await setup('a');
    const [b] = brokers;
    b.replies = ['unknown'];
    const id = await newId(e);
    const r = (await e.dispatch('term:orders.place', buy('a', { clientOrderId: id }))) as Result<Order>;
    expect(!r.ok && r.error.code).toBe('outcome_unknown');
    const placed = [...b.orders.values()].find((o) => o.clientOrderId === id);
    if (placed === undefined) throw new Error('the broker has no order');
    b.report(placed);
    await settle();
    expect(e.snapshot().orders.filter((o) => o.clientOrderId === id)).toEqual([
      expect.objectContaining({ id: placed.id, status: 'working' }),
    ]);
    await timers.advance(10_000);
    expect(b.received.filter((x) => x.op === 'lookup')).toHaveLength(0);
    expect(b.submissions(id)).toBe(1);
  });

  it('concludes "not placed" only after the whole lookup schedule finds nothing', async () => {
    const { e, timers, brokers } = await setup('a');
    const [b] = brokers;
    b.replies = ['hang'];
    b.lookupsSee = false;
    const id = await newId(e);
    const pending = e.dispatch('term:orders.place', buy('a', { clientOrderId: id }));
    await timers.advance(DEADLINE);
    await pending;
    await timers.advance((SCHEDULE.at(-1) ?? 0) - 1);
    expect(rowOf(e, 'a', id)?.status).toBe('unknown');
    await timers.advance(1);
    const row = rowOf(e, 'a', id);
    expect(row).toMatchObject({ status: 'rejected', placeholder: true });
    expect(row?.rejectReason).toMatch(/no record/);
    // Definitely not placed: the trader may place it again, under the same id.
    const again = (await e.dispatch('term:orders.place', buy('a', { clientOrderId: id }))) as Result<Order>;
    expect(again.ok).toBe(true);
    expect(b.submissions(id)).toBe(2);
  });
});

describe('order desk: modify and cancel by connection id', () => {
  it('cancels and modifies the right order when two connections both have order id "1"', async () => {
    const { e, brokers } = await setup('a', 'b');
    const [a, b] = brokers as [ScriptedBroker, ScriptedBroker];
    for (const [br, conn] of [
      [a, 'a'],
      [b, 'b'],
    ] as const) {
      const t = Date.now();
      br.report(
        order({
          id: '1',
          clientOrderId: `c-${conn}`,
          connectionId: conn,
          accountId: 'ACC',
          qty: 1,
          createdAt: t,
          updatedAt: t,
        }),
      );
    }
    await settle();
    const m = (await e.dispatch('term:orders.modify', {
      connectionId: 'b',
      orderId: '1',
      limitPrice: 4999.75,
      idempotencyKey: 'modify-key-1',
    })) as Result<Order>;
    expect(m.ok && m.value).toMatchObject({ connectionId: 'b', limitPrice: 4999.75 });
    expect(e.ledger.order('a', '1')?.limitPrice).toBe(5000);

    const c = (await e.dispatch('term:orders.cancel', { connectionId: 'a', orderId: '1' })) as Result<Order>;
    expect(c.ok && c.value).toMatchObject({ connectionId: 'a', status: 'cancelled' });
    expect(e.ledger.order('b', '1')?.status).toBe('working');
    expect(a.received.filter((x) => x.op === 'modify')).toHaveLength(0);
    expect(b.received.filter((x) => x.op === 'cancel')).toHaveLength(0);

    // The same modify again (a retry of the same edit) is answered, not sent twice.
    const retry = (await e.dispatch('term:orders.modify', {
      connectionId: 'b',
      orderId: '1',
      limitPrice: 4999.75,
      idempotencyKey: 'modify-key-1',
    })) as Result<Order>;
    expect(retry.ok).toBe(true);
    expect(b.received.filter((x) => x.op === 'modify')).toHaveLength(1);
  });

  it('shows "pending replace" while a modify is unanswered and clears it when the broker confirms', async () => {
    const { e, timers, brokers } = await setup('a');
    const [a] = brokers;
    const placed = (await e.dispatch('term:orders.place', buy('a'))) as Result<Order>;
    if (!placed.ok) throw new Error(placed.error.message);
    a.replies = ['hang'];
    const m = e.dispatch('term:orders.modify', {
      connectionId: 'a',
      orderId: placed.value.id,
      qty: 3,
    }) as Promise<Result<Order>>;
    await settle();
    expect(e.ledger.order('a', placed.value.id)?.pendingAction).toBe('replace');
    // A second edit while the first is unanswered is refused, not queued behind it.
    const second = (await e.dispatch('term:orders.modify', {
      connectionId: 'a',
      orderId: placed.value.id,
      qty: 4,
    })) as Result<Order>;
    expect(!second.ok && second.error.code).toBe('change_pending');
    await timers.advance(DEADLINE);
    expect(((await m) as Result<Order> & { ok: false }).error.code).toBe('outcome_unknown');
    await timers.advance(SCHEDULE[0] ?? 0);
    const now = e.ledger.order('a', placed.value.id);
    expect(now?.qty).toBe(3);
    expect(now?.pendingAction).toBeUndefined();
    expect(a.received.filter((x) => x.op === 'modify')).toHaveLength(1);
  });
});

describe('order desk: the same checks on every path', () => {
  it('refuses less than one step, rounds values within float noise to the grid, and refuses off-grid ones', async () => {
    const { e, brokers } = await setup('a');
    const [a] = brokers;
    const tiny = (await e.dispatch('term:orders.place', buy('a', { qty: 1e-7 }))) as Result<Order>;
    expect(!tiny.ok && tiny.error.code).toBe('bad_qty');
    const microPrice = (await e.dispatch(
      'term:orders.place',
      buy('a', { limitPrice: 1e-300 }),
    )) as Result<Order>;
    expect(!microPrice.ok && microPrice.error.code).toBe('off_tick');
    const noisy = (await e.dispatch(
      'term:orders.place',
      buy('a', { limitPrice: 5000.250000000001 }),
    )) as Result<Order>;
    expect(noisy.ok && noisy.value.limitPrice).toBe(5000.25);
    const off = (await e.dispatch('term:orders.place', buy('a', { limitPrice: 5000.3 }))) as Result<Order>;
    expect(!off.ok && off.error.code).toBe('off_tick');
    if (!noisy.ok) return;
    // Modify runs the same checks.
    const badModify = (await e.dispatch('term:orders.modify', {
      connectionId: 'a',
      orderId: noisy.value.id,
      qty: 1e-7,
    })) as Result<Order>;
    expect(!badModify.ok && badModify.error.code).toBe('bad_qty');
    expect(a.received.filter((x) => x.op === 'modify')).toHaveLength(0);
  });

  it('refuses a client order id reused with a different quantity or price', async () => {
    const { e, brokers } = await setup('a');
    const id = await newId(e);
    const first = (await e.dispatch('term:orders.place', buy('a', { clientOrderId: id }))) as Result<Order>;
    expect(first.ok).toBe(true);
    for (const change of [{ qty: 2 }, { limitPrice: 4999 }]) {
      const r = (await e.dispatch(
        'term:orders.place',
        buy('a', { clientOrderId: id, ...change }),
      )) as Result<Order>;
      expect(!r.ok && r.error.code).toBe('duplicate_client_order_id');
    }
    expect(brokers[0].submissions(id)).toBe(1);
  });
});

describe('protection vocabulary through the contract and /status', () => {
  it('round-trips trailing, list, parent and heldBy fields through the snapshot and the status report', async () => {
    const { e, brokers } = await setup('a');
    const t = Date.now();
    const trailing: Order = {
      ...order({ id: 'T1', clientOrderId: 'pgabcd-xyz-sl', connectionId: 'a', accountId: 'ACC' }),
      side: 'sell',
      type: 'trailing_stop',
      tif: 'gtc',
      qty: 1,
      limitPrice: null,
      stopPrice: 4990,
      createdAt: t,
      updatedAt: t,
      trail: { by: 'ticks', offset: 40, activationPrice: null, stopPrice: 4990, peak: 5000, activated: true },
      list: { id: 'L1', type: 'bracket', role: 'stop' },
      parentId: 'E1',
      siblingIds: ['TP1'],
    };
    brokers[0].report(trailing);
    await settle();
    const snap = Snapshot.parse(JSON.parse(JSON.stringify(e.snapshot())));
    expect(snap.orders.find((o) => o.id === 'T1')).toEqual(trailing);
    const status = StatusReport.parse(JSON.parse(JSON.stringify(e.status())));
    expect(status.orders.find((o) => o.id === 'T1')).toMatchObject({
      type: 'trailing_stop',
      heldBy: 'broker',
      listId: 'L1',
      listType: 'bracket',
      role: 'stop',
      parentId: 'E1',
      siblingIds: ['TP1'],
      trail: { by: 'ticks', offset: 40, stopPrice: 4990, peak: 5000 },
    });
    expect(status.connections[0]?.capabilities).toMatchObject({ trading: true, nativeTrailingStop: true });
  });
});

describe('order desk: rejected orders stay in the history', () => {
  it('keeps one rejected row with the reason; the broker reporting it under its own id replaces the desk’s', async () => {
    const { e, brokers } = await setup('a');
    const [b] = brokers;
    const id = await newId(e);
    b.replies = ['reject'];
    const r = (await e.dispatch('term:orders.place', buy('a', { clientOrderId: id }))) as Result<Order>;
    expect(!r.ok && r.error.code).toBe('broker_rejected');
    await settle();
    expect(rowOf(e, 'a', id)).toMatchObject({ status: 'rejected', rejectReason: 'no', placeholder: true });

    // The broker's stream then reports the rejected order under its own id: one row, the broker's.
    const kept = rowOf(e, 'a', id);
    if (kept === undefined) throw new Error('no rejected row');
    const { placeholder: _desk, ...fromBroker } = kept;
    b.report({ ...fromBroker, id: 'A-99' });
    await settle();
    const rows = e.snapshot().orders.filter((o) => o.clientOrderId === id);
    expect(rows.map((o) => [o.id, o.status, o.placeholder])).toEqual([['A-99', 'rejected', undefined]]);
  });
});

describe('order desk: cancel all includes orders still being placed', () => {
  const where = { connectionId: 'a', accountId: 'ACC', symbol: 'ES' };

  it('cancels an order whose answer was on the way once it arrives', async () => {
    const { e, brokers } = await setup('a');
    const [b] = brokers;
    const id = await newId(e);
    b.replies = ['hold'];
    const placing = e.dispatch('term:orders.place', buy('a', { clientOrderId: id })) as Promise<
      Result<Order>
    >;
    await settle();
    expect(rowOf(e, 'a', id)).toMatchObject({ status: 'pending', placeholder: true });
    const all = e.dispatch('term:orders.cancelAll', where) as Promise<Result<CancelAllResult>>;
    await settle();
    b.release();
    const [placed, r] = await Promise.all([placing, all]);
    expect(placed.ok).toBe(true);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.cancelled.map((o) => [o.clientOrderId, o.status])).toEqual([[id, 'cancelled']]);
    expect(r.value.failed).toEqual([]);
    expect(b.byClientId(id)?.status).toBe('cancelled');
    expect(rowOf(e, 'a', id)?.status).toBe('cancelled');
  });

  it('reports an order of unknown outcome as still being placed, and cancels it once confirmed', async () => {
    const { e, timers, brokers } = await setup('a');
    const [b] = brokers;
    const id = await newId(e);
    b.replies = ['hang'];
    const placing = e.dispatch('term:orders.place', buy('a', { clientOrderId: id })) as Promise<
      Result<Order>
    >;
    await settle();
    await timers.advance(DEADLINE);
    expect(((await placing) as { ok: false; error: { code: string } }).error.code).toBe('outcome_unknown');
    const r = (await e.dispatch('term:orders.cancelAll', where)) as Result<CancelAllResult>;
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.cancelled).toEqual([]);
    expect(r.value.pending).toEqual([
      {
        clientOrderId: id,
        message: expect.stringMatching(
          /still being placed — it will be cancelled when the broker acknowledges it/,
        ),
      },
    ]);
    // The lookup finds it at the broker: the promised cancel goes out.
    await timers.advance(SCHEDULE[0] ?? 0);
    await settle();
    expect(b.received.filter((x) => x.op === 'cancel')).toHaveLength(1);
    expect(b.byClientId(id)?.status).toBe('cancelled');
    expect(rowOf(e, 'a', id)?.status).toBe('cancelled');
  });
});

describe('order desk: hotkeys and the DOM on live accounts', () => {
  const where = { connectionId: 'live', accountId: 'ACC', symbol: 'ES' };

  it('refuses every hotkey and DOM action on a live account unless the trader allowed it', async () => {
    const { e, brokers } = await setup('live');
    const [b] = brokers;
    const resting = (await e.dispatch('term:orders.place', buy('live'))) as Result<Order>;
    if (!resting.ok) throw new Error(resting.error.message);
    const ref = { connectionId: 'live', orderId: resting.value.id };
    const asks: [string, Record<string, unknown>][] = [];
    for (const origin of ['hotkey', 'dom'] as const)
      asks.push(
        ['term:orders.place', buy('live', { origin })],
        ['term:orders.modify', { ...ref, limitPrice: 4999, origin }],
        ['term:orders.cancel', { ...ref, origin }],
        ['term:orders.cancelAll', { ...where, origin }],
        ['term:positions.flatten', { ...where, origin }],
        ['term:positions.reverse', { ...where, origin }],
        ['term:positions.close', { ...where, cancelWorking: true, origin }],
      );
    const received = b.received.length;
    for (const [channel, req] of asks) {
      const r = (await e.dispatch(channel, req)) as Result<unknown>;
      expect([channel, !r.ok && r.error.code]).toEqual([channel, 'one_click_live_off']);
    }
    const hotkey = (await e.dispatch(
      'term:orders.place',
      buy('live', { origin: 'hotkey' }),
    )) as Result<Order>;
    expect(!hotkey.ok && hotkey.error.message).toMatch(/^Trading hotkeys are off for live accounts/);
    const dom = (await e.dispatch('term:orders.cancel', { ...ref, origin: 'dom' })) as Result<Order>;
    expect(!dom.ok && dom.error.message).toMatch(/^One-click trading from the DOM is off for live accounts/);
    expect(b.received.length).toBe(received);
    expect(e.ledger.order('live', resting.value.id)?.status).toBe('working');

    // The ticket, the tables and the chart's confirmed Alt+click are not affected.
    const chart = (await e.dispatch('term:orders.place', buy('live', { origin: 'chart' }))) as Result<Order>;
    const ticket = (await e.dispatch(
      'term:orders.place',
      buy('live', { origin: 'ticket' }),
    )) as Result<Order>;
    expect(chart.ok && ticket.ok).toBe(true);

    // Allowed in the hotkey settings: the same keys go through.
    e.allowLiveOneClickWhen(() => true);
    const allowed = (await e.dispatch(
      'term:orders.place',
      buy('live', { origin: 'hotkey' }),
    )) as Result<Order>;
    expect(allowed.ok && allowed.value.status).toBe('working');
    const all = (await e.dispatch('term:orders.cancelAll', {
      ...where,
      origin: 'dom',
    })) as Result<CancelAllResult>;
    expect(all.ok && all.value.cancelled).toHaveLength(4);
  });

  it('lets hotkeys and the DOM trade a demo account', async () => {
    const { e } = await setup('a');
    const r = (await e.dispatch('term:orders.place', buy('a', { origin: 'dom' }))) as Result<Order>;
    expect(r.ok && r.value.status).toBe('working');
    const all = (await e.dispatch('term:orders.cancelAll', {
      connectionId: 'a',
      accountId: 'ACC',
      symbol: 'ES',
      origin: 'hotkey',
    })) as Result<CancelAllResult>;
    expect(all.ok && all.value.cancelled).toHaveLength(1);
  });
});
