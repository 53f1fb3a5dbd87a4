/** Time as the supervisor sees it: injected so tests can drive backoff and watchdogs by hand. */
export interface TimerHandle {
  readonly __timer: true;
}

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    // Watchdog and retry timers must never keep a host process alive on their own.
    t.unref();
    return t as unknown as TimerHandle;
  },
  clearTimeout: (handle) => clearTimeout(handle as unknown as ReturnType<typeof setTimeout>),
};

/** A uniform random number in [0, 1); injected so jitter is reproducible in tests. */
export type Random = () => number;
