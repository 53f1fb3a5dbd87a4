/**
 * The generic supervised connection: lifecycle through the supervisor, order routes over
 * `request()` with ambiguous outcomes mapped to `unknown`, read-only refusal when a kind has none.
 */
import { describe, expect, it } from 'vitest';
import type { Order } from '../../../../../src/shared/domain';
import {
  NO_CAPABILITIES,
  type ConnectionEvent,
  type PlaceOrder,
} from '../../../../../src/main/core/connection';
import { SupervisedConnection, type OrderChannel } from '../../../../../src/main/core/brokers/kit/connection';
import { ackFromError, lookupFromError } from '../../../../../src/main/core/brokers/kit/orders';
import { RequestError } from '../../../../../src/main/core/supervisor/link';
import { flush, ScriptedAdapter } from '../../supervisor/scripted';
import { ManualClock } from '../../supervisor/support';

const ticket: PlaceOrder = {
  connectionId: 't',
  accountId: 'a1',
  symbol: 'ES',
  side: 'buy',
  type: 'market',
  qty: 1,
  tif: 'day',
  clientOrderId: 'c-1',
} as PlaceOrder;

function toy(adapter: ScriptedAdapter, clock: ManualClock, interest: string[][] = []) {
  return new SupervisedConnection(
    {
      id: 't',
      kind: 'toy',
      label: 'Toy',
      mode: 'paper',
      capabilities: { ...NO_CAPABILITIES, trading: true },
      adapter: () => adapter,
      supervisor: { requestTimeoutMs: 3_000 },
      orders: (ch: OrderChannel) => ({
        placeOrder: (o) =>
          ch
            .request('order/place', { cl: o.clientOrderId })
            .then(
              (r) => ({ status: 'accepted', brokerOrderId: String((r as { id: string }).id) }),
              ackFromError,
            ),
        modifyOrder: () => Promise.resolve({ status: 'unknown', reason: 'not in this toy' }),
        cancelOrder: () => Promise.resolve({ status: 'unknown', reason: 'not in this toy' }),
        lookupOrder: (cl) =>
          ch.request('order/find', { cl }).then(() => ({ status: 'not_found' }), lookupFromError),
      }),
      setInterest: (symbols) => interest.push([...symbols]),
    },
    { clock },
  );
}

describe('SupervisedConnection', () => {
  it('places through the current link, refuses definitely while down, and reports a timeout as unknown', async () => {
    const clock = new ManualClock();
    const adapter = new ScriptedAdapter(['ok']);
    const conn = toy(adapter, clock);
    expect(await conn.placeOrder(ticket)).toEqual({
      status: 'rejected',
      code: 'not_connected',
      reason: 'Toy is not connected (idle)',
    });
    const events: ConnectionEvent[] = [];
    await conn.start((_id, e) => events.push(e));
    await flush();
    expect(conn.health().state).toBe('live');
    adapter.current.answer = async (_op, payload) => ({ id: `b-${(payload as { cl: string }).cl}` });
    expect(await conn.placeOrder(ticket)).toEqual({ status: 'accepted', brokerOrderId: 'b-c-1' });
    adapter.current.answer = null;
    const pending = conn.placeOrder(ticket);
    clock.advance(3_000);
    expect(await pending).toEqual({ status: 'unknown', reason: 'order/place: no answer within 3000 ms' });
    const lookup = conn.lookupOrder('c-1', 'a1');
    clock.advance(3_000);
    expect(await lookup).toEqual(expect.objectContaining({ status: 'unknown' }));
    await conn.stop();
    expect(conn.health().state).toBe('stopped');
  });

  it('a broker refusal keeps the broker code; anything unexpected is unknown', () => {
    expect(ackFromError(new RequestError('rejected', 'no margin', { code: 'INSUFFICIENT_FUNDS' }))).toEqual({
      status: 'rejected',
      code: 'INSUFFICIENT_FUNDS',
      reason: 'no margin',
    });
    expect(ackFromError(new RequestError('link_closed', 'closed (1006)'))).toEqual({
      status: 'unknown',
      reason: 'closed (1006)',
    });
    expect(ackFromError(new TypeError('boom'))).toEqual({ status: 'unknown', reason: 'boom' });
  });

  it('passes the interest set to the kind, and is read-only without order routes', async () => {
    const interest: string[][] = [];
    const conn = toy(new ScriptedAdapter(['ok']), new ManualClock(), interest);
    conn.setInterest?.(new Set(['ES', 'NQ']));
    expect(interest).toEqual([['ES', 'NQ']]);
    const readOnly = new SupervisedConnection({
      id: 'r',
      kind: 'toy',
      label: 'Reader',
      mode: 'paper',
      capabilities: NO_CAPABILITIES,
      adapter: () => new ScriptedAdapter(['ok']),
    });
    expect(readOnly.setInterest).toBeUndefined();
    expect(await readOnly.cancelOrder({ id: 'o' } as Order, { idempotencyKey: 'k' })).toEqual({
      status: 'rejected',
      code: 'read_only',
      reason: 'Reader is a read-only gateway: orders cannot be cancelled through it.',
    });
    expect(await readOnly.lookupOrder('c', 'a')).toEqual({ status: 'not_found' });
  });
});
