/** The renderer's own link to its host (not a broker connection): what the UI shows when it drops. */
export type LinkStatus =
  | { kind: 'connecting' }
  | { kind: 'open' }
  | { kind: 'reconnecting'; attempt: number; retryAt: number }
  | { kind: 'rejected'; reason: string }
  | { kind: 'missing-token' };

export class LinkState {
  private status: LinkStatus;
  private readonly listeners = new Set<() => void>();

  constructor(initial: LinkStatus = { kind: 'connecting' }) {
    this.status = initial;
  }

  get = (): LinkStatus => this.status;

  set(status: LinkStatus): void {
    this.status = status;
    for (const l of this.listeners) l();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
}
