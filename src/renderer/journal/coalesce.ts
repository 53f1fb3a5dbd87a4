/**
 * Runs at most once per `ms`: the first poke at once, the pokes within the window after it as one
 * run at its end. The Journal tab asks main again per burst of fills, not per fill.
 */
export interface Coalescer {
  poke(): void;
  cancel(): void;
}

export function coalescer(run: () => void, ms: number, now: () => number = Date.now): Coalescer {
  let last = -Infinity;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const fire = (): void => {
    timer = null;
    last = now();
    run();
  };
  return {
    poke(): void {
      if (timer !== null) return;
      const wait = last + ms - now();
      if (wait <= 0) fire();
      else timer = setTimeout(fire, wait);
    },
    cancel(): void {
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
  };
}
