/** Rate limits with a hand-driven clock: no sleeps, exact budgets. Real logger, real log file. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/main/core/log';
import { ThrottledLog } from '../../../src/main/host/throttledLog';
import { TokenBucket } from '../../../src/main/host/tokenBucket';

describe('TokenBucket', () => {
  it('allows a burst, then refills at its rate, never above the burst', () => {
    let now = 0;
    const bucket = new TokenBucket({ burst: 3, perSecond: 2 }, () => now);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
    now += 499;
    expect(bucket.take()).toBe(false);
    now += 1;
    expect(bucket.take()).toBe(true);
    now += 60_000;
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
  });
});

describe('ThrottledLog', () => {
  it('writes a burst per kind, then says how many it held back', () => {
    let now = 0;
    const file = join(mkdtempSync(join(tmpdir(), 'peregrine-throttle-')), 'host.log');
    const log = new ThrottledLog(createLogger({ name: 'test', file }), { burst: 2, perSecond: 1 }, () => now);
    for (let i = 0; i < 50; i++) log.warn('refused upgrade', { reason: 'bad token' });
    log.warn('unknown channel', { channelLength: 9 });
    now += 1000;
    log.warn('refused upgrade', { reason: 'bad token' });

    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => [l.msg, l.suppressed])).toEqual([
      ['refused upgrade', undefined],
      ['refused upgrade', undefined],
      // Each kind has its own budget.
      ['unknown channel', undefined],
      ['refused upgrade', 48],
    ]);
  });
});
