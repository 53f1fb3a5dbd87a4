/**
 * The StreamBatcher: the only way state leaves the engine. A snapshot on request, then one
 * `seq`-numbered batch per flush window with the latest quote and order book per listing
 * (connection + symbol) and forming bar per series (conflated), and every changed order / fill / position / account /
 * connection / instrument / alert and every removal (lossless). Batch size is bounded: quotes by
 * the listing count, lossless entities by a cap, with any excess carried into the next batch —
 * never dropped. Removals are never carried over: they are ids only and rare (a user removing a
 * connection, a reconciled fill replaced), and one carried past a later re-creation of the same
 * key would delete it again on the consumer's side.
 */
import {
  type Batch,
  type Snapshot,
  type StreamMessage,
  type Alert,
  type FormingBar,
  emptyBatch,
} from '../../shared/stream';
import type { LedgerRemovals } from './ledger';
import type { Depth, Fill, Instrument, Quote } from '../../shared/domain';
import type { BarStore } from './bars';
import type { Ledger } from './ledger';

export const DEFAULT_FLUSH_MS = 16;
/** Lossless entities per batch; more than this is carried into the next window. */
export const DEFAULT_MAX_LOSSLESS = 500;

export interface BatcherOptions {
  flushMs?: number;
  maxLossless?: number;
  now?: () => number;
  /** Flush on a timer (default). Tests pass false and call `flush()`. */
  autoFlush?: boolean;
}

export type StreamListener = (m: StreamMessage) => void;

export class StreamBatcher {
  private readonly flushMs: number;
  private readonly maxLossless: number;
  private readonly now: () => number;
  private readonly autoFlush: boolean;
  private seq = 0;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly listeners = new Set<StreamListener>();
  // Pending state, in arrival order. Keyed entities are looked up at flush time (latest state).
  /** Keyed by listing (`${connectionId}:${symbol}`): two connections' ES never conflate. */
  private readonly quotes = new Map<string, Quote>();
  /** Order books, keyed and conflated like quotes (latest wins). */
  private readonly depth = new Map<string, Depth>();
  private readonly bars = new Map<string, FormingBar>();
  private readonly orders = new Set<string>();
  private readonly positions = new Set<string>();
  private readonly accounts = new Set<string>();
  private readonly connections = new Set<string>();
  private fills: Fill[] = [];
  private instruments: Instrument[] = [];
  private alerts: Alert[] = [];
  private readonly removed: LedgerRemovals = {
    connections: new Set(),
    accounts: new Set(),
    positions: new Set(),
    orders: new Set(),
    fills: new Set(),
  };

  constructor(
    private readonly ledger: Ledger,
    private readonly barStore: BarStore,
    opts: BatcherOptions = {},
  ) {
    this.flushMs = opts.flushMs ?? DEFAULT_FLUSH_MS;
    this.maxLossless = Math.max(1, opts.maxLossless ?? DEFAULT_MAX_LOSSLESS);
    this.now = opts.now ?? Date.now;
    this.autoFlush = opts.autoFlush ?? true;
    ledger.onChange = () => this.schedule();
  }

  get currentSeq(): number {
    return this.seq;
  }

  subscribe(listener: StreamListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Full state at the current seq; batches with a higher seq apply on top of it. */
  snapshot(): Snapshot {
    const l = this.ledger;
    return {
      kind: 'snapshot',
      seq: this.seq,
      sentAt: this.now(),
      instruments: l.instruments(),
      quotes: l.quotes(),
      orders: l.orders().map((o) => ({ ...o })),
      fills: l.fills(),
      positions: l.positions().map((p) => ({ ...p })),
      accounts: l.accounts().map((a) => ({ ...a })),
      connections: l.connections(),
      bars: this.barStore.forming(),
      alerts: l.alerts(),
      depth: l.depths(),
    };
  }

  /** A bar changed outside the ledger's notice (the engine calls this after feeding a trade). */
  barsChanged(): void {
    this.schedule();
  }

  /** Arm the flush timer for this window if it is not armed yet. */
  schedule(): void {
    if (!this.autoFlush || this.stopped || this.timer !== null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush();
    }, this.flushMs);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private collect(): void {
    if (this.ledger.hasChanges()) {
      const c = this.ledger.takeChanges();
      // Removals first: the changes that follow in `c` all happened after them.
      this.collectRemovals(c.removed);
      for (const [k, q] of c.quotes) this.quotes.set(k, q);
      for (const [k, d] of c.depth) this.depth.set(k, d);
      for (const k of c.orders) this.orders.add(k);
      for (const k of c.positions) this.positions.add(k);
      for (const k of c.accounts) this.accounts.add(k);
      for (const k of c.connections) this.connections.add(k);
      if (c.fills.length > 0) this.fills = this.fills.length === 0 ? c.fills : this.fills.concat(c.fills);
      if (c.instruments.length > 0) this.instruments = this.instruments.concat(c.instruments);
      if (c.alerts.length > 0) this.alerts = this.alerts.concat(c.alerts);
    }
    if (this.barStore.hasChanges())
      for (const fb of this.barStore.takeChanged()) this.bars.set(fb.series, fb);
  }

  /** A removal supersedes whatever was pending for the key; the removal itself is sent. */
  private collectRemovals(r: LedgerRemovals): void {
    const out = this.removed;
    for (const id of r.connections) {
      out.connections.add(id);
      this.connections.delete(id);
      // Its quotes, fills and instruments go with it (the consumer drops them by connection id).
      for (const [k, q] of this.quotes) if (q.connectionId === id) this.quotes.delete(k);
      for (const [k, d] of this.depth) if (d.connectionId === id) this.depth.delete(k);
      this.fills = this.fills.filter((f) => f.connectionId !== id);
      this.instruments = this.instruments.filter((i) => i.connectionId !== id);
    }
    for (const k of r.accounts) {
      out.accounts.add(k);
      this.accounts.delete(k);
    }
    for (const k of r.positions) {
      out.positions.add(k);
      this.positions.delete(k);
    }
    for (const k of r.orders) {
      out.orders.add(k);
      this.orders.delete(k);
    }
    if (r.fills.size > 0) {
      for (const k of r.fills) out.fills.add(k);
      this.fills = this.fills.filter((f) => !r.fills.has(`${f.connectionId}:${f.id}`));
    }
  }

  private pendingRemovals(): number {
    const r = this.removed;
    return r.connections.size + r.accounts.size + r.positions.size + r.orders.size + r.fills.size;
  }

  private pendingLossless(): number {
    return (
      this.orders.size +
      this.positions.size +
      this.accounts.size +
      this.connections.size +
      this.fills.length +
      this.instruments.length +
      this.alerts.length
    );
  }

  /**
   * Emit one batch if anything changed. Returns it (or null) so tests and benches can drive
   * the batcher without timers.
   */
  flush(): Batch | null {
    this.collect();
    if (
      this.quotes.size === 0 &&
      this.depth.size === 0 &&
      this.bars.size === 0 &&
      this.pendingLossless() === 0 &&
      this.pendingRemovals() === 0
    )
      return null;
    const b = emptyBatch(this.seq + 1, this.now());
    const r = this.removed;
    b.removed = {
      connections: [...r.connections],
      accounts: [...r.accounts],
      positions: [...r.positions],
      orders: [...r.orders],
      fills: [...r.fills],
    };
    r.connections.clear();
    r.accounts.clear();
    r.positions.clear();
    r.orders.clear();
    r.fills.clear();
    for (const q of this.quotes.values()) b.quotes.push(q);
    this.quotes.clear();
    if (this.depth.size > 0) b.depth = [...this.depth.values()];
    this.depth.clear();
    for (const fb of this.bars.values()) b.bars.push(fb);
    this.bars.clear();
    let budget = this.maxLossless;
    const l = this.ledger;
    // Order matters under overload: health and listings first, then what the trader acts on.
    budget = drainKeys(this.connections, budget, (k) => {
      const h = l.connectionHealth(k);
      if (h !== undefined) b.connections.push(h);
    });
    const di = drainArray(this.instruments, budget, b.instruments);
    this.instruments = di.rest;
    budget = di.budget;
    budget = drainKeys(this.orders, budget, (k) => {
      const o = l.orderByKey(k);
      if (o !== undefined) b.orders.push({ ...o });
    });
    const df = drainArray(this.fills, budget, b.fills);
    this.fills = df.rest;
    budget = df.budget;
    budget = drainKeys(this.positions, budget, (k) => {
      const p = l.position(k);
      if (p !== undefined) b.positions.push({ ...p });
    });
    budget = drainKeys(this.accounts, budget, (k) => {
      const a = l.accountByKey(k);
      if (a !== undefined) b.accounts.push({ ...a });
    });
    const da = drainArray(this.alerts, budget, b.alerts);
    this.alerts = da.rest;
    this.seq = b.seq;
    for (const listener of this.listeners) listener(b);
    // Carried-over changes get their own window.
    if (this.pendingLossless() > 0) this.schedule();
    return b;
  }
}

/** Move up to `budget` items from the front of `list` into `out`; returns what remains. */
function drainArray<T>(list: T[], budget: number, out: T[]): { rest: T[]; budget: number } {
  if (budget <= 0 || list.length === 0) return { rest: list, budget };
  const n = Math.min(budget, list.length);
  for (let i = 0; i < n; i++) out.push(list[i] as T);
  return { rest: n === list.length ? [] : list.slice(n), budget: budget - n };
}

function drainKeys(keys: Set<string>, budget: number, emit: (key: string) => void): number {
  if (budget <= 0 || keys.size === 0) return budget;
  for (const k of keys) {
    if (budget <= 0) break;
    keys.delete(k);
    emit(k);
    budget--;
  }
  return budget;
}
