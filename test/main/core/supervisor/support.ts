/** Shared test helpers: a hand-driven clock, an event recorder and condition waits (no sleeps). */
import type { ConnectionState } from '../../../../src/shared/domain';
import type { ConnectionEvent } from '../../../../src/main/core/connection';
import type { Clock, TimerHandle } from '../../../../src/main/core/supervisor/clock';
import type { SupervisorLogger } from '../../../../src/main/core/supervisor/supervisor';

interface ManualTimer {
  id: number;
  at: number;
  fn: () => void;
}

/** A clock that moves only when the test says so. Timers fire in due order. */
export class ManualClock implements Clock {
  private t = 1_760_000_000_000;
  private nextId = 1;
  private timers: ManualTimer[] = [];

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer = { id: this.nextId++, at: this.t + Math.max(0, ms), fn };
    this.timers.push(timer);
    return timer as unknown as TimerHandle;
  }

  clearTimeout(handle: TimerHandle): void {
    const target = handle as unknown as ManualTimer;
    this.timers = this.timers.filter((t) => t.id !== target.id);
  }

  /** Move time forward by `ms`, firing every timer that falls due (including ones scheduled meanwhile). */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (due === undefined) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.t = Math.max(this.t, due.at);
      due.fn();
    }
    this.t = end;
  }

  /** Time until the next timer, or null if none is pending. */
  nextDue(): number | null {
    const next = this.timers.reduce<number | null>((m, t) => (m === null || t.at < m ? t.at : m), null);
    return next === null ? null : next - this.t;
  }

  get pending(): number {
    return this.timers.length;
  }
}

/** Poll `cond` until it holds (real time), failing with `what` after `timeoutMs`. */
export async function until(cond: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Records a supervisor's events and the sequence of states it reported. */
export class Recorder {
  readonly events: ConnectionEvent[] = [];
  readonly states: ConnectionState[] = [];

  readonly listener = (e: ConnectionEvent): void => {
    this.events.push(e);
    if (e.type === 'health' && this.states.at(-1) !== e.health.state) this.states.push(e.health.state);
  };

  ofType<T extends ConnectionEvent['type']>(type: T): Extract<ConnectionEvent, { type: T }>[] {
    return this.events.filter((e): e is Extract<ConnectionEvent, { type: T }> => e.type === type);
  }

  count(type: ConnectionEvent['type']): number {
    return this.ofType(type).length;
  }

  last(): ConnectionState | undefined {
    return this.states.at(-1);
  }
}

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  obj: Record<string, unknown>;
  msg: string;
}

export function recordingLogger(): SupervisorLogger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at =
    (level: LogLine['level']) =>
    (obj: object, msg: string): void => {
      lines.push({ level, obj: obj as Record<string, unknown>, msg });
    };
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}
