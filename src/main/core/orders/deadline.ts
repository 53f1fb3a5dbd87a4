/**
 * A deadline on a broker call. An adapter promise that never settles must not block the desk:
 * past the deadline the outcome is unknown (the call may still take effect), which the desk
 * resolves by lookup. The late answer, if it ever comes, is still delivered through `late`.
 */
export type Answer<T> =
  { kind: 'answered'; value: T } | { kind: 'threw'; error: unknown } | { kind: 'timeout' };

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export function withDeadline<T>(
  call: () => Promise<T>,
  ms: number,
  timers: Timers,
  late?: (answer: Answer<T>) => void,
): Promise<Answer<T>> {
  return new Promise((resolve) => {
    let done = false;
    const timer = timers.setTimeout(() => {
      if (done) return;
      done = true;
      resolve({ kind: 'timeout' });
    }, ms);
    const settle = (answer: Answer<T>): void => {
      if (done) {
        late?.(answer);
        return;
      }
      done = true;
      timers.clearTimeout(timer);
      resolve(answer);
    };
    let p: Promise<T>;
    try {
      p = call();
    } catch (error) {
      settle({ kind: 'threw', error });
      return;
    }
    p.then(
      (value) => settle({ kind: 'answered', value }),
      (error: unknown) => settle({ kind: 'threw', error }),
    );
  });
}
