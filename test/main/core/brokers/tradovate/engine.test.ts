/**
 * Tradovate inside the real Engine against the simulator on loopback: the protection engine's OCO
 * pairs and brackets go to Tradovate as `placeoco` / `placeoso` (through the redaction wrapper the
 * connection manager puts around every connection) and are labelled held by the broker.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { TradovateConnection } from '../../../../../src/main/core/brokers/tradovate/connection';
import { RedactedConnection } from '../../../../../src/main/core/connections/redacted';
import { Engine } from '../../../../../src/main/core/engine';
import type { ProtectionView, Result } from '../../../../../src/shared/contract';
import { TRADOVATE_ACCOUNT_ID, TradovateSim } from '../../../../../sim/tradovate';
import { until } from '../../supervisor/support';
import { credentials, simUrls } from './harness';

let sim: TradovateSim | null = null;
let engine: Engine | null = null;
afterEach(async () => {
  await engine?.stop();
  engine = null;
  await sim?.stop();
  sim = null;
});

const ACCOUNT = String(TRADOVATE_ACCOUNT_ID);

async function start(): Promise<{ e: Engine; s: TradovateSim }> {
  // The tape stands still, so resting orders stay resting until the test acts.
  const s = (sim = new TradovateSim({ inboundSilenceMs: 30_000, worldOptions: { tickMs: 3_600_000 } }));
  await s.start();
  const conn = new RedactedConnection(
    new TradovateConnection({
      kind: 'tradovate',
      id: 'tdv',
      mode: 'demo',
      urls: simUrls(s),
      username: credentials.name,
      password: credentials.password,
      appId: credentials.appId,
      appVersion: credentials.appVersion,
      cid: credentials.cid,
      sec: credentials.sec,
      deviceId: credentials.deviceId,
    }),
  );
  expect(conn.placeOrderList).toBeTypeOf('function');
  const e = (engine = Engine.create({ paper: false, connections: [conn], flushMs: 5 }));
  await e.start();
  await until(() => e.ledger.accounts().some((a) => a.verified), 'verified account');
  e.setWatchlist(['MESZ6']);
  await until(() => e.ledger.quote('tdv', 'MESZ6') !== undefined, 'MES quote');
  return { e, s };
}

async function protect(e: Engine, req: Record<string, unknown>): Promise<ProtectionView> {
  const r = (await e.dispatch('term:protection.place', {
    connectionId: 'tdv',
    accountId: ACCOUNT,
    symbol: 'MESZ6',
    qty: 1,
    ...req,
  })) as Result<ProtectionView>;
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

describe('Engine with a Tradovate connection: native order lists', () => {
  it('an OCO pair is held at Tradovate; cancelling one leg ends both and the protection', async () => {
    const { e, s } = await start();
    const q = s.world.venue.quote('MESZ6');
    const v = await protect(e, {
      kind: 'oco',
      side: 'sell',
      legs: [
        { type: 'limit', limitPrice: q.ask + 20 },
        { type: 'stop', stopPrice: q.bid - 20 },
      ],
    });
    expect(v.heldBy).toBe('broker');
    const [l1, l2] = [v.orders.l1 ?? '', v.orders.l2 ?? ''];
    await until(
      () =>
        e.ledger.orderByClientOrderId(l1)?.status === 'working' &&
        e.ledger.orderByClientOrderId(l2)?.status === 'working',
      'both legs working',
    );
    expect(s.requestLog.filter((x) => x.endpoint === 'order/placeoco')).toHaveLength(1);
    expect(s.requestLog.filter((x) => x.endpoint === 'order/placeorder')).toHaveLength(0);
    const leg = e.ledger.orderByClientOrderId(l1);
    expect(leg?.list?.type).toBe('oco');
    expect(leg?.heldBy).toBe('broker');
    const cancel = (await e.dispatch('term:orders.cancel', {
      connectionId: 'tdv',
      orderId: leg?.id ?? '',
    })) as Result<unknown>;
    expect(cancel.ok).toBe(true);
    await until(() => e.ledger.orderByClientOrderId(l2)?.status === 'cancelled', 'the other leg cancelled');
    await until(() => e.protection.list().find((p) => p.id === v.id)?.status === 'done', 'protection done');
  });

  it('a bracket is held at Tradovate: its exits wait until the entry fills', async () => {
    const { e, s } = await start();
    const q = s.world.venue.quote('MESZ6');
    const entry = q.bid - 10;
    const v = await protect(e, {
      kind: 'bracket',
      side: 'buy',
      entry: { type: 'limit', limitPrice: entry },
      target: { price: entry + 20 },
      stop: { price: entry - 20 },
    });
    expect(v.heldBy).toBe('broker');
    const ids = [v.orders.en, v.orders.tp, v.orders.sl].map((x) => x ?? '');
    await until(() => ids.every((id) => e.ledger.orderByClientOrderId(id) !== undefined), 'three orders');
    expect(s.requestLog.filter((x) => x.endpoint === 'order/placeoso')).toHaveLength(1);
    expect(e.ledger.orderByClientOrderId(ids[0] ?? '')?.status).toBe('working');
    expect(e.ledger.orderByClientOrderId(ids[1] ?? '')).toMatchObject({
      status: 'pending',
      list: { type: 'bracket', role: 'target' },
    });
    expect(e.ledger.orderByClientOrderId(ids[2] ?? '')).toMatchObject({
      status: 'pending',
      list: { type: 'bracket', role: 'stop' },
    });
  });
});
