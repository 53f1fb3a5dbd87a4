/** TradeStation v3 order objects → engine orders and fills (brokers.md §4.4). */
import { describe, expect, it } from 'vitest';
import {
  CumulativeFills,
  statusOf,
  toOrder,
} from '../../../../../src/main/core/brokers/orders-relay/mapping';
import { OrderFrame } from '../../../../../src/main/core/brokers/orders-relay/messages';

/** Every code of the v3 `Status` enum, grouped as the spec groups them. */
const OPEN =
  'ACK ASS BRC BRF BRO CHG CND COR DIS DOA DON ECN EXE FPR LAT OPN OSO OTHER PLA REC RJC RPD RSN STP STT SUS UCN';
const CANCELLED = 'CAN OUT RJR SCN TSC UCH FLP';

function frame(over: Record<string, unknown> = {}, leg: Record<string, unknown> = {}): OrderFrame {
  return OrderFrame.parse({
    AccountID: 'SIM1',
    OrderID: '948679459',
    OrderType: 'StopMarket',
    Status: 'ACK',
    StopPrice: '43.02',
    FilledPrice: '0',
    OpenedDateTime: '2026-04-23T17:26:03Z',
    Legs: [
      {
        BuyOrSell: 'Buy',
        ExecQuantity: '0',
        QuantityOrdered: '10',
        QuantityRemaining: '10',
        Symbol: 'IONQ',
        ...leg,
      },
    ],
    ...over,
  });
}

describe('orders-relay status codes', () => {
  it.each(OPEN.split(' '))('%s is open (working, pending, or partially filled with executions)', (code) => {
    expect(['working', 'pending']).toContain(statusOf(code, 0));
    expect(statusOf(code, 3)).toBe('partially_filled');
  });
  it.each(CANCELLED.split(' '))('%s is cancelled (terminal)', (code) => {
    expect(statusOf(code, 0)).toBe('cancelled');
  });
  it('EXP expired, REJ rejected, FLL filled; an unknown code is not guessed', () => {
    expect(statusOf('EXP', 0)).toBe('expired');
    expect(statusOf('REJ', 0)).toBe('rejected');
    expect(statusOf('FLL', 10)).toBe('filled');
    expect(statusOf('XYZ', 0)).toBeNull();
  });
});

describe('orders-relay orders and fills', () => {
  it('maps the captured SIM frame: stop, gateway-held, average price, cumulative quantity', () => {
    const o = toOrder(
      frame({ Status: 'FLL', FilledPrice: '43.03' }, { ExecQuantity: '10', QuantityRemaining: '0' }),
      { connectionId: 'relay', now: 1 },
    );
    expect(o).toMatchObject({
      id: '948679459',
      symbol: 'IONQ',
      side: 'buy',
      type: 'stop',
      stopPrice: 43.02,
      status: 'filled',
      filledQty: 10,
      avgFillPrice: 43.03,
      heldBy: 'gateway',
    });
  });

  it('STP → ACK with executions → FLL twice (without, then with ClosedDateTime): fills add up once', () => {
    const fills = new CumulativeFills();
    const seq = [
      frame({ Status: 'STP' }),
      frame({ Status: 'ACK', FilledPrice: '43' }, { ExecQuantity: '4' }),
      frame({ Status: 'FLL', FilledPrice: '43.06' }, { ExecQuantity: '10' }),
      frame(
        { Status: 'FLL', FilledPrice: '43.06', ClosedDateTime: '2026-04-23T17:26:22Z' },
        { ExecQuantity: '10' },
      ),
    ];
    const out = seq.map((f) => fills.next(f, 'relay', 5)).filter((f) => f !== null);
    expect(out.map((f) => [f.id, f.qty, f.price])).toEqual([
      ['948679459:4', 4, 43],
      ['948679459:10', 6, 43.1],
    ]);
  });

  it('a fill seen only in a later snapshot is one fill for the whole gap', () => {
    const fills = new CumulativeFills();
    fills.next(frame({ Status: 'FPR', FilledPrice: '10' }, { ExecQuantity: '2' }), 'relay', 1);
    const gap = fills.next(frame({ Status: 'FLL', FilledPrice: '11' }, { ExecQuantity: '10' }), 'relay', 2);
    expect(gap).toMatchObject({ id: '948679459:10', qty: 8, price: 11.25 });
    expect(
      fills.next(frame({ Status: 'FLL', FilledPrice: '11' }, { ExecQuantity: '10' }), 'relay', 3),
    ).toBeNull();
  });
});
