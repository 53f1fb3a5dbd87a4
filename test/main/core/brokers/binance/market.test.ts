/**
 * The partial book depth stream on the market socket: subscribed only while a ladder watches the
 * symbol (against the real simulator on loopback), parsed tolerantly (decimal strings or numbers,
 * unknown fields and extra per-level entries ignored, zero levels dropped, best first), and a
 * malformed side reported rather than applied.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MarketFeed, depthStream } from '../../../../../src/main/core/brokers/binance/market';
import type { BrokerSocket } from '../../../../../src/main/core/brokers/kit/socket';
import type { ConnectionEvent } from '../../../../../src/main/core/connection';
import type { LinkHandlers } from '../../../../../src/main/core/supervisor/link';
import { systemClock } from '../../../../../src/main/core/supervisor/clock';
import { until } from '../../supervisor/support';
import { type Harness, harness } from './harness';
import { routesOf } from './support';

let x: Harness | null = null;
afterEach(async () => {
  await x?.close();
  x = null;
});

describe('binance: partial book depth', () => {
  it('streams BTCUSDT@depth20@100ms only while the depth interest holds it', async () => {
    const h = (x = await harness({ sim: { autoTradeMs: undefined } }));
    await h.waitState('live');
    const { adapter } = routesOf(h);
    adapter.setInterest(new Set(['BTCUSDT', 'ETHUSDT']));
    await until(() => h.rec.ofType('quote').some((e) => e.quote.symbol === 'ETHUSDT'), 'ETH quotes');
    expect(h.rec.count('depth')).toBe(0);
    expect(h.sim.streams.subscriptionsOf()[0]).not.toContain(depthStream('BTCUSDT'));

    adapter.setDepthInterest(new Set(['BTCUSDT']));
    await until(() => h.rec.ofType('depth').length >= 3, 'three BTC books');
    expect(h.sim.streams.subscriptionsOf()[0]).toContain('btcusdt@depth20@100ms');
    for (const { depth: d } of h.rec.ofType('depth')) {
      expect(d.symbol).toBe('BTCUSDT');
      expect(d.connectionId).toBe('bn');
      expect(d.bids).toHaveLength(20);
      expect(d.asks).toHaveLength(20);
      const bids = d.bids.map((l) => l[0]);
      const asks = d.asks.map((l) => l[0]);
      expect(bids).toEqual([...bids].sort((a, b) => b - a));
      expect(asks).toEqual([...asks].sort((a, b) => a - b));
      expect(Math.max(...bids)).toBeLessThan(Math.min(...asks));
      for (const [, qty] of [...d.bids, ...d.asks]) expect(qty).toBeGreaterThan(0);
    }

    // The ladder closed: the stream is unsubscribed and no more books arrive.
    adapter.setDepthInterest(new Set());
    await until(
      () => !(h.sim.streams.subscriptionsOf()[0] ?? []).includes(depthStream('BTCUSDT')),
      'depth unsubscribed',
    );
    const quotesNow = h.rec.count('quote');
    await until(() => h.rec.count('quote') >= quotesNow + 3, 'three more quotes');
    const books = h.rec.count('depth');
    await until(() => h.rec.count('quote') >= quotesNow + 10, 'ten more quotes');
    expect(h.rec.count('depth')).toBe(books);
    expect(h.sim.streams.accepted).toBe(1);
  });

  it('parses a book tolerantly and reports a malformed side', () => {
    const events: ConnectionEvent[] = [];
    const bad: string[] = [];
    const handlers: LinkHandlers = {
      frame: () => undefined,
      data: () => undefined,
      pong: () => undefined,
      malformed: (reason) => bad.push(reason),
      event: (e) => events.push(e),
      closed: () => undefined,
    };
    const socket = { send: () => undefined } as unknown as BrokerSocket;
    const feed = new MarketFeed(
      socket,
      handlers,
      'bn',
      systemClock,
      [],
      () => undefined,
      () => undefined,
    );
    const frame = (o: unknown) => feed.onFrame(Buffer.from(JSON.stringify(o)), false);
    frame({
      stream: 'ethusdt@depth5@100ms',
      data: {
        lastUpdateId: 7,
        extra: { anything: true },
        bids: [
          ['3499.98000000', '1.50000000'],
          ['3499.99000000', '0.20000000', 'ignored'],
          [3499.97, 0],
        ],
        asks: [
          ['3500.01000000', '2.00000000'],
          [3500.0, '0.10000000'],
        ],
      },
    });
    expect(bad).toEqual([]);
    expect(events).toEqual([
      {
        type: 'depth',
        depth: {
          connectionId: 'bn',
          symbol: 'ETHUSDT',
          bids: [
            [3499.99, 0.2],
            [3499.98, 1.5],
          ],
          asks: [
            [3500, 0.1],
            [3500.01, 2],
          ],
          ts: expect.any(Number) as number,
        },
      },
    ]);
    frame({ stream: 'ethusdt@depth5@100ms', data: { lastUpdateId: 8, bids: 'nope', asks: [] } });
    frame({ stream: 'ethusdt@depth5@100ms', data: { lastUpdateId: 9, bids: [['x', '1']], asks: [] } });
    expect(bad).toEqual(['depth with a bad field', 'depth with a bad field']);
    // A diff-depth stream nobody asked for is not applied as a book.
    frame({ stream: 'ethusdt@depth@100ms', data: { e: 'depthUpdate', b: [], a: [] } });
    expect(events).toHaveLength(1);
  });
});
