/**
 * A one-second wall clock shared by every age, countdown and staleness display, so ages are
 * re-evaluated once a second for the whole page instead of per tick or per component timer.
 */
export class SecondClock {
  private now = Date.now();
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly listeners = new Set<() => void>();

  get = (): number => this.now;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    if (!this.timer) {
      this.now = Date.now();
      this.timer = setInterval(() => {
        this.now = Date.now();
        for (const l of this.listeners) l();
      }, 1_000);
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = null;
      }
    };
  };
}

export { freshness, type Freshness } from '../../shared/freshness';
