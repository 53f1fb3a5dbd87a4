/** Timers a test advances by hand: order deadlines and lookups fire when the test says. */
import type { Timers } from '../../src/main/core/orders/deadline';

interface Pending {
  id: number;
  at: number;
  fn: () => void;
}

export class ManualTimers implements Timers {
  private now = 0;
  private seq = 0;
  private pending: Pending[] = [];

  setTimeout(fn: () => void, ms: number): unknown {
    const t = { id: ++this.seq, at: this.now + ms, fn };
    this.pending.push(t);
    return t.id;
  }

  clearTimeout(handle: unknown): void {
    this.pending = this.pending.filter((t) => t.id !== handle);
  }

  /** Moves time forward, running every timer that falls due, in order, with microtasks between. */
  async advance(ms: number): Promise<void> {
    const end = this.now + ms;
    for (;;) {
      await settle();
      const next = this.pending.filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (next === undefined) break;
      this.pending = this.pending.filter((t) => t !== next);
      this.now = next.at;
      next.fn();
    }
    this.now = end;
    await settle();
  }
}

/** Lets pending promise callbacks run (several hops: adapter → deadline → desk). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise<void>((r) => setImmediate(r));
}
