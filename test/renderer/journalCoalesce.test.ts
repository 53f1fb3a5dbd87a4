/** The Journal tab's re-request on new fills: at most one a second, the last change never lost. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { coalescer } from '../../src/renderer/journal/coalesce';

afterEach(() => {
  vi.useRealTimers();
});

describe('coalescer', () => {
  it('runs the first poke at once and a burst after it as one run at the end of the second', () => {
    vi.useFakeTimers({ now: 10_000 });
    let runs = 0;
    const c = coalescer(() => runs++, 1_000);
    c.poke();
    expect(runs).toBe(1);
    for (let i = 0; i < 50; i++) {
      vi.advanceTimersByTime(10);
      c.poke();
    }
    expect(runs).toBe(1);
    vi.advanceTimersByTime(1_000);
    expect(runs).toBe(2);
    // Quiet since: nothing more runs.
    vi.advanceTimersByTime(5_000);
    expect(runs).toBe(2);
    c.poke();
    expect(runs).toBe(3);
  });

  it('runs nothing after it is cancelled', () => {
    vi.useFakeTimers({ now: 10_000 });
    let runs = 0;
    const c = coalescer(() => runs++, 1_000);
    c.poke();
    c.poke();
    c.cancel();
    vi.advanceTimersByTime(2_000);
    expect(runs).toBe(1);
  });
});
