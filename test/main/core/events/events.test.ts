import { describe, expect, it } from 'vitest';
import { Ledger } from '../../../../src/main/core/ledger';
import type { DomainEvent } from '../../../../src/main/core/events';
import { ES, fill, order, quote } from '../fixtures';

describe('domain events from the ledger', () => {
  it('publishes order, fill, position, quote and verified events to any number of subscribers', () => {
    const l = new Ledger();
    const a: DomainEvent['type'][] = [];
    const b: DomainEvent['type'][] = [];
    for (const t of ['order', 'fill', 'position', 'quote', 'verified'] as const) {
      l.events.on(t, (e) => a.push(e.type));
      l.events.on(t, (e) => b.push(e.type));
    }
    l.apply('c1', { type: 'instrument', instrument: { ...ES, connectionId: 'c1' } });
    l.apply('c1', {
      type: 'resync',
      snapshot: {
        accounts: [{ accountId: 'A1', name: 'A', currency: 'USD', cash: 1 }],
        orders: [],
        fills: [],
      },
    });
    l.apply('c1', { type: 'order', order: order({ id: 'o1', connectionId: 'c1' }) });
    l.apply('c1', {
      type: 'fill',
      fill: fill({ id: 'x1', orderId: 'o1', side: 'buy', qty: 1, price: 5000 }),
    });
    l.apply('c1', { type: 'quote', quote: quote({ symbol: 'ES', connectionId: 'c1' }) });
    expect(a).toEqual(['verified', 'order', 'fill', 'position', 'quote']);
    expect(b).toEqual(a);
  });

  it('keeps delivering when one subscriber throws, and stops after unsubscribe', () => {
    const l = new Ledger();
    const got: string[] = [];
    l.events.on('order', () => {
      throw new Error('bad subscriber');
    });
    const off = l.events.on('order', (e) => got.push(e.order.id));
    l.apply('c1', { type: 'order', order: order({ id: 'o1', connectionId: 'c1' }) });
    off();
    l.apply('c1', { type: 'order', order: order({ id: 'o2', connectionId: 'c1' }) });
    expect(got).toEqual(['o1']);
  });

  it('keeps an alert raised during a sequence gap in the snapshot until it is settled and acknowledged', () => {
    const l = new Ledger();
    l.raiseAlert({
      id: 'a1',
      ts: 1,
      level: 'warning',
      title: 'Feed stale',
      message: 'm',
      active: true,
      acknowledged: false,
    });
    l.takeChanges(); // the batch that carried it was lost to a gap
    expect(l.alerts().map((x) => x.id)).toEqual(['a1']);
    l.acknowledgeAlert('a1');
    expect(l.alerts()).toEqual([expect.objectContaining({ id: 'a1', acknowledged: true })]);
    l.raiseAlert({
      id: 'a1',
      ts: 2,
      level: 'info',
      title: 'Feed back',
      message: 'm',
      active: false,
      acknowledged: true,
    });
    expect(l.alerts()).toEqual([]);
  });
});
