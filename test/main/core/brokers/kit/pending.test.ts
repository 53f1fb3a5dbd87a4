import { describe, expect, it } from 'vitest';
import { PendingRequests } from '../../../../../src/main/core/brokers/kit/pending';
import { RequestError } from '../../../../../src/main/core/supervisor/link';
import { ManualClock } from '../../supervisor/support';

async function settled(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    (v) => ({ value: v }),
    (e: unknown) => e,
  );
}

describe('PendingRequests', () => {
  it('resolves the waiter of the echoed id; a late or unsolicited reply is reported, not thrown', async () => {
    const p = new PendingRequests<number>(new ManualClock());
    const a = p.wait(1, { op: 'order/place' });
    const b = p.wait(2);
    expect(p.resolve(2, 'two')).toBe(true);
    expect(p.resolve(1, 'one')).toBe(true);
    expect(p.resolve(1, 'again')).toBe(false);
    expect(p.resolve(99, 'x')).toBe(false);
    await expect(a).resolves.toBe('one');
    await expect(b).resolves.toBe('two');
    expect(p.size).toBe(0);
  });

  it('a timeout on the given clock is ambiguous; a server rejection is not', async () => {
    const clock = new ManualClock();
    const p = new PendingRequests<number>(clock);
    const slow = settled(p.wait(1, { op: 'order/place', timeoutMs: 5_000 }));
    const refused = settled(p.wait(2, { timeoutMs: 5_000 }));
    p.reject(2, new RequestError('rejected', 'insufficient funds'));
    clock.advance(4_999);
    expect(p.has(1)).toBe(true);
    clock.advance(1);
    const t = await slow;
    expect(t).toBeInstanceOf(RequestError);
    expect(t).toMatchObject({
      kind: 'timeout',
      ambiguous: true,
      message: 'order/place: no answer within 5000 ms',
    });
    expect(await refused).toMatchObject({ kind: 'rejected', ambiguous: false });
    expect(clock.pending).toBe(0);
  });

  it('the link closing rejects every waiter as ambiguous, and later waits fail as not connected', async () => {
    const clock = new ManualClock();
    const p = new PendingRequests<string>(clock);
    const all = ['a', 'b', 'c'].map((id) => settled(p.wait(id, { timeoutMs: 1_000 })));
    p.close('closed (1006)');
    for (const r of await Promise.all(all)) expect(r).toMatchObject({ kind: 'link_closed', ambiguous: true });
    expect(clock.pending).toBe(0);
    expect(await settled(p.wait('d'))).toMatchObject({ kind: 'not_connected', ambiguous: false });
  });

  it('an abort rejects and forgets the waiter', async () => {
    const p = new PendingRequests<number>(new ManualClock());
    const abort = new AbortController();
    const r = settled(p.wait(1, { signal: abort.signal }));
    abort.abort();
    expect(await r).toMatchObject({ kind: 'aborted' });
    expect(p.has(1)).toBe(false);
  });
});
