/** A gateway's trading signal reaches the trader as an alert (and is never executed). */
import { afterEach, expect, it } from 'vitest';
import { Engine } from '../../../../src/main/core/engine';
import { ScriptedBroker } from '../../../support/broker';
import { settle } from '../../../support/timers';

let engine: Engine | null = null;
afterEach(async () => {
  await engine?.stop();
  engine = null;
});

it('raises an alert for a signal with the gateway, side, quantity and price, and places nothing', async () => {
  const gateway = new ScriptedBroker('sig', 'Signals gateway');
  engine = Engine.create({ paper: false, connections: [gateway], flushMs: 5 });
  await engine.start();
  const now = Date.now();
  gateway.emit({
    type: 'signal',
    signal: {
      id: 's1',
      connectionId: 'sig',
      symbol: 'AAPL',
      side: 'buy',
      price: 150.25,
      qty: 10,
      confidence: 0.85,
      ts: now,
      receivedAt: now,
    },
  });
  await settle();
  const alert = engine.ledger.alerts().find((a) => a.title === 'Signal from Signals gateway');
  expect(alert?.message).toBe('BUY 10 AAPL @ 150.25, confidence 85 %');
  expect(gateway.received.filter((r) => r.op === 'place')).toHaveLength(0);
});
