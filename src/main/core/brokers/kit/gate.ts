/**
 * The per-key out-of-order gate. Gateways and relays re-send cumulative state (a position, an
 * order's latest version) stamped with the server's time; over a reordering path an older copy can
 * arrive after a newer one. Applying it would roll the position back, so it is dropped. Equal
 * stamps pass: two updates in the same millisecond are both newer than anything before them.
 */
export class OutOfOrderGate {
  private readonly appliedAt = new Map<string, number>();

  constructor(
    /** Keys remembered; the oldest are forgotten first so a long session stays bounded. */
    private readonly limit = 50_000,
  ) {}

  /** True when `key` has not seen a newer stamp than `ts`; records `ts` as applied. */
  fresh(key: string, ts: number): boolean {
    const last = this.appliedAt.get(key);
    if (last !== undefined && ts < last) return false;
    // Re-insert so the map's order is least recently applied first.
    this.appliedAt.delete(key);
    this.appliedAt.set(key, ts);
    if (this.appliedAt.size > this.limit) {
      const oldest = this.appliedAt.keys().next();
      if (oldest.done !== true) this.appliedAt.delete(oldest.value);
    }
    return true;
  }

  /** Forget everything (a new session whose stamps start over). */
  clear(): void {
    this.appliedAt.clear();
  }
}
