/**
 * Debounced workspace writes. Each trader action (a symbol removed, a timeframe clicked, a tab
 * chosen) is merged into one pending patch; the patch goes to `workspace.update` once no change
 * has come for `delayMs`, so clicking through timeframes writes the settings file once, not once
 * per click. One write is in flight at a time, so writes land in the order they were made.
 *
 * A write the host refused (an invalid patch) is dropped and reported; a write that never reached
 * the host (link down) is kept and sent again by the next `flush()`. Either way the state says so,
 * so an unsaved workspace never looks saved.
 */
import type { Result, Workspace, WorkspaceUpdate } from '../../shared/contract';

export type SaveState =
  /** Nothing changed since the workspace was loaded. */
  | { kind: 'idle' }
  /** Changes wait for the debounce (or for the write in flight). */
  | { kind: 'pending' }
  | { kind: 'saving' }
  /** Every change so far is written. */
  | { kind: 'saved' }
  /** The last write failed; `retained` when the change is kept for the next flush. */
  | { kind: 'error'; message: string; retained: boolean };

export type WorkspacePatch = Exclude<WorkspaceUpdate, undefined>;

export interface SaverOptions {
  send(patch: WorkspacePatch): Promise<Result<Workspace>>;
  delayMs?: number;
}

export const SAVE_DELAY_MS = 500;

export class WorkspaceSaver {
  private readonly send: SaverOptions['send'];
  private readonly delayMs: number;
  private pending: WorkspacePatch | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private inFlight: Promise<boolean> | null = null;
  private state: SaveState = { kind: 'idle' };
  private readonly listeners = new Set<() => void>();

  constructor(options: SaverOptions) {
    this.send = options.send;
    this.delayMs = options.delayMs ?? SAVE_DELAY_MS;
  }

  get = (): SaveState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  /** Queues a change; later changes to the same field win. */
  change(patch: WorkspacePatch): void {
    this.pending = merge(this.pending, patch);
    this.setState({ kind: 'pending' });
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, this.delayMs);
  }

  /** Writes whatever is pending now (page hiding, link back); resolves when nothing is left. */
  async flush(): Promise<void> {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    while (this.inFlight !== null) await this.inFlight;
    const patch = this.pending;
    if (patch === null) return;
    this.pending = null;
    this.inFlight = this.write(patch);
    let written: boolean;
    try {
      written = await this.inFlight;
    } finally {
      this.inFlight = null;
    }
    // Changes made while that write was in flight: their own timer may already have fired.
    // After a failure they wait for the next change or flush rather than retrying in a loop.
    if (written && this.pending !== null && this.timer === null) await this.flush();
  }

  dispose(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.listeners.clear();
  }

  /** True when the host wrote the patch. */
  private async write(patch: WorkspacePatch): Promise<boolean> {
    this.setState({ kind: 'saving' });
    let result: Result<Workspace>;
    try {
      result = await this.send(patch);
    } catch (e) {
      // Never reached the host (or the answer was lost): keep it, under any newer change.
      this.pending = merge(patch, this.pending ?? {});
      this.setState({ kind: 'error', message: e instanceof Error ? e.message : String(e), retained: true });
      return false;
    }
    if (!result.ok) {
      this.setState({ kind: 'error', message: result.error.message, retained: false });
      return false;
    }
    this.setState(this.pending === null ? { kind: 'saved' } : { kind: 'pending' });
    return true;
  }

  private setState(next: SaveState): void {
    this.state = next;
    for (const listener of this.listeners) listener();
  }
}

/** `b` over `a`; layout fields merge one by one. */
export function merge(a: WorkspacePatch | null, b: WorkspacePatch): WorkspacePatch {
  if (a === null) return { ...b };
  const out: WorkspacePatch = { ...a, ...b };
  if (a.layout !== undefined || b.layout !== undefined) out.layout = { ...a.layout, ...b.layout };
  return out;
}
