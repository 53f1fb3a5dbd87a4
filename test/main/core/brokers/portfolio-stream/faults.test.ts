/**
 * The portfolio-stream rows of the fault matrix (docs/reliability.md) that depend on its protocol:
 * foreign-user and unknown frames, the per-user connection limit and total capacity. The
 * protocol-neutral rows run in the conformance suite (conformance.test.ts). Each test runs against
 * the real simulator over real loopback sockets, asserting what the trader's terminal does.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, until } from '../../supervisor/support';
import { type Harness, harness } from './harness';

let h: Harness | null = null;
const extra: Harness[] = [];
afterEach(async () => {
  for (const x of extra.splice(0)) await x.close();
  await h?.close();
  h = null;
});

async function live(o: Parameters<typeof harness>[0] = {}): Promise<Harness> {
  h = await harness(o);
  await h.waitState('live');
  return h;
}

function retryIn(x: Harness, clock: ManualClock): number {
  const at = x.sup.health().nextRetryAt;
  if (at === null) throw new Error(`no retry scheduled (state ${x.sup.state})`);
  return at - clock.now();
}

describe('portfolio-stream protocol faults (real sockets)', () => {
  it('events for another user and unknown message types are counted and dropped', async () => {
    const x = await live();
    const foreign = JSON.stringify({
      type: 'account_update',
      timestamp: new Date().toISOString(),
      userId: 'user-other',
      data: { equity: '1', cash: '1' },
    });
    x.sim.fault({ kind: 'inject', frame: foreign });
    x.sim.fault({
      kind: 'inject',
      frame: JSON.stringify({
        type: 'margin_call',
        timestamp: new Date().toISOString(),
        userId: 'user-demo',
        data: {},
      }),
    });
    await until(() => x.sup.health().malformedFrames >= 2, 'two dropped frames');
    expect(x.rec.ofType('account').every((e) => e.account.accountId === 'user-demo')).toBe(true);
    expect(x.logger.lines.some((l) => l.obj.reason === 'event for another user')).toBe(true);
    expect(x.sup.state).toBe('live');
  });

  it('per-user connection limit: the 6th connection stops with the reason, no reconnect storm', async () => {
    const clock = new ManualClock();
    const first = await live({ clock });
    for (let i = 0; i < 4; i++) {
      const other = await harness({ existing: first.sim, clock });
      extra.push(other);
      await other.waitState('live');
    }
    const sixth = await harness({ existing: first.sim, clock });
    extra.push(sixth);
    await sixth.waitState('stopped');
    expect(sixth.sup.health().lastError).toBe('Maximum connections exceeded');
    clock.advance(3_600_000);
    expect(sixth.adapter.opens).toBe(1);
    expect(first.sim.connectionCount).toBe(5);
  });

  it('total capacity (1013): waits the longer delay instead of hammering the server', async () => {
    const clock = new ManualClock();
    const first = await live({ clock, sim: { maxConnectionsTotal: 1 }, backoff: { tryLaterMs: 10_000 } });
    const second = await harness({ existing: first.sim, clock, backoff: { tryLaterMs: 10_000 } });
    extra.push(second);
    await second.waitState('backoff');
    for (let i = 0; i < 3; i++) {
      const wait = retryIn(second, clock);
      expect(wait).toBeGreaterThanOrEqual(10_000);
      clock.advance(wait);
      await until(
        () => second.adapter.opens === i + 2 && second.sup.state === 'backoff',
        `attempt ${i + 2} refused`,
      );
    }
    first.sup.stop();
    await until(() => first.sim.connectionCount === 0, 'first client gone');
    clock.advance(retryIn(second, clock));
    await second.waitState('live');
  });

  it('tolerant reader: numbers as JSON numbers, one object where a list was documented, unknown fields', async () => {
    const x = await live();
    const ts = new Date(Date.now() + 60_000).toISOString();
    x.sim.fault({
      kind: 'inject',
      frame: JSON.stringify({
        type: 'batch',
        timestamp: ts,
        userId: 'user-demo',
        newTopLevelField: { v: 2 },
        data: {
          positions: {
            symbol: 'ZZZ',
            quantity: 7,
            entryPrice: '10.5',
            currentPrice: 11,
            side: 'long',
            venue: 'future-field',
          },
          orders: null,
          // "trades" and "account" left out altogether.
        },
      }),
    });
    await until(
      () => x.rec.ofType('position').some((e) => e.position.symbol === 'ZZZ'),
      'the injected position',
    );
    const p = x.rec.ofType('position').find((e) => e.position.symbol === 'ZZZ')?.position;
    expect(p).toEqual(expect.objectContaining({ qty: 7, avgPrice: 10.5, mark: 11 }));
    expect(x.sup.health().malformedFrames).toBe(0);
  });
});
