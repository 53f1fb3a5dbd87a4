/**
 * The renderer's copy of engine state: a snapshot, then `seq`-numbered batches applied in order.
 * Pure TypeScript (no React, no DOM) so it is unit-tested in node.
 *
 * - A batch whose `seq` is not previous+1 is discarded and a fresh snapshot is requested; until it
 *   arrives the state says `resyncing`, so the UI can show that it is not live.
 * - Collections are copy-on-write maps: a collection untouched by a batch keeps its identity, so
 *   React components selecting it do not re-render.
 * - A batch's `removed` is applied before its upserts (a key removed and re-created in one window
 *   is in both); a removed connection takes its quotes, fills and instruments with it.
 * - Subscribers are notified at most once per scheduled frame however many batches arrived.
 * - Forming bars bypass React entirely: chart code listens with `onBars` and updates series.
 */
import {
  type Account,
  type ConnectionHealth,
  type Depth,
  type Fill,
  type Instrument,
  type Order,
  type Position,
  type Quote,
} from '../../shared/domain';
import { accountKey, fillKey, instrumentKey, orderKey, quoteKey } from '../../shared/keys';
import {
  type Alert,
  type Batch,
  type FormingBar,
  type Removed,
  type Snapshot,
  type StreamMessage,
  isRemovedEmpty,
} from '../../shared/stream';

export type SyncStatus = 'waiting' | 'live' | 'resyncing';

export interface ClientState {
  readonly sync: SyncStatus;
  readonly seq: number;
  /** Host send time of the last applied message. */
  readonly sentAt: number;
  /** Snapshots applied so far; charts reload history when it changes. */
  readonly snapshots: number;
  /** Per listing, keyed by `instrumentKey(connectionId, symbol)`: two brokers may list ES. */
  readonly instruments: ReadonlyMap<string, Instrument>;
  /** Latest quote per listing, keyed by `quoteKey(connectionId, symbol)`. */
  readonly quotes: ReadonlyMap<string, Quote>;
  /** Latest order book per watched listing (keyed like quotes); only where the connection streams depth. */
  readonly depth: ReadonlyMap<string, Depth>;
  /** Keyed by `orderKey(connectionId, id)`: broker ids are unique per connection only. */
  readonly orders: ReadonlyMap<string, Order>;
  /** Keyed by `fillKey(connectionId, id)`. Newest last, bounded. */
  readonly fills: ReadonlyMap<string, Fill>;
  readonly positions: ReadonlyMap<string, Position>;
  /** Keyed by `accountKey(connectionId, accountId)`. */
  readonly accounts: ReadonlyMap<string, Account>;
  readonly connections: ReadonlyMap<string, ConnectionHealth>;
  /** Newest last, bounded. */
  readonly alerts: readonly Alert[];
}

export type ApplyOutcome = 'applied' | 'ignored' | 'gap';

export interface StoreOptions {
  requestSnapshot: () => Promise<Snapshot>;
  /** Runs `flush` later; defaults to requestAnimationFrame. Tests pass a manual scheduler. */
  schedule?: (flush: () => void) => void;
  maxFills?: number;
  maxAlerts?: number;
  /** Minimum spacing of snapshot retries after a failed request. */
  snapshotRetryMs?: number;
}

export interface StoreStats {
  gaps: number;
  staleBatches: number;
  snapshotFailures: number;
}

const emptyState: ClientState = {
  sync: 'waiting',
  seq: -1,
  sentAt: 0,
  snapshots: 0,
  instruments: new Map(),
  quotes: new Map(),
  depth: new Map(),
  orders: new Map(),
  fills: new Map(),
  positions: new Map(),
  accounts: new Map(),
  connections: new Map(),
  alerts: [],
};

function keyed<T>(items: readonly T[], key: (t: T) => string): Map<string, T> {
  const m = new Map<string, T>();
  for (const it of items) m.set(key(it), it);
  return m;
}

function merged<T>(
  prev: ReadonlyMap<string, T>,
  items: readonly T[],
  key: (t: T) => string,
): ReadonlyMap<string, T> {
  if (items.length === 0) return prev;
  const m = new Map(prev);
  for (const it of items) m.set(key(it), it);
  return m;
}

function bounded<T>(m: Map<string, T>, max: number): Map<string, T> {
  // Map iteration order is insertion order, so the first keys are the oldest.
  for (const k of m.keys()) {
    if (m.size <= max) break;
    m.delete(k);
  }
  return m;
}

const byInstrument = (i: Instrument): string => instrumentKey(i.connectionId, i.symbol);
const byListing = (q: Quote | Depth): string => quoteKey(q.connectionId, q.symbol);
const byOrder = (o: Order): string => orderKey(o.connectionId, o.id);
const byFill = (f: Fill): string => fillKey(f.connectionId, f.id);
const byId = (x: { id: string }): string => x.id;
const byKey = (x: { key: string }): string => x.key;
const byAccount = (a: Account): string => accountKey(a.connectionId, a.accountId);

/** `prev` without the entries `drop` selects; the same map when nothing goes (keeps identity). */
function without<T>(
  prev: ReadonlyMap<string, T>,
  drop: (key: string, value: T) => boolean,
): ReadonlyMap<string, T> {
  let m: Map<string, T> | null = null;
  for (const [k, v] of prev) {
    if (!drop(k, v)) continue;
    m ??= new Map(prev);
    m.delete(k);
  }
  return m ?? prev;
}

type Collections = Pick<
  ClientState,
  'instruments' | 'quotes' | 'depth' | 'orders' | 'fills' | 'positions' | 'accounts' | 'connections'
>;

/** The collections with a batch's removals applied; untouched collections keep their identity. */
function removeFrom(cur: Collections, r: Removed | undefined): Collections {
  // Tolerate a host that predates `removed` (the bridge checks batches structurally only).
  if (r === undefined || isRemovedEmpty(r)) return cur;
  const conns = new Set(r.connections);
  const orders = new Set(r.orders);
  const fills = new Set(r.fills);
  const accounts = new Set(r.accounts);
  const positions = new Set(r.positions);
  const gone = (x: { connectionId: string }): boolean => conns.has(x.connectionId);
  return {
    connections: without(cur.connections, (k) => conns.has(k)),
    instruments: conns.size === 0 ? cur.instruments : without(cur.instruments, (_, i) => gone(i)),
    quotes: conns.size === 0 ? cur.quotes : without(cur.quotes, (_, q) => gone(q)),
    depth: conns.size === 0 ? cur.depth : without(cur.depth, (_, d) => gone(d)),
    // Removals name orders and fills `${connectionId}:${id}`, which is how the store keys them.
    orders: without(cur.orders, (k, o) => gone(o) || orders.has(k)),
    fills: without(cur.fills, (k, f) => gone(f) || fills.has(k)),
    positions: without(cur.positions, (k, p) => gone(p) || positions.has(k)),
    accounts: without(cur.accounts, (k, a) => gone(a) || accounts.has(k)),
  };
}

const defaultSchedule = (flush: () => void): void => {
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(flush);
  else setTimeout(flush, 16);
};

export class TerminalStore {
  private current: ClientState = emptyState;
  private published: ClientState = emptyState;
  private scheduled = false;
  private inflight: Promise<void> | null = null;
  private lastRequestAt = 0;
  private readonly retryMs: number;
  private readonly listeners = new Set<() => void>();
  private readonly barListeners = new Set<(bars: readonly FormingBar[]) => void>();
  private readonly schedule: (flush: () => void) => void;
  private readonly maxFills: number;
  private readonly maxAlerts: number;
  readonly stats: StoreStats = { gaps: 0, staleBatches: 0, snapshotFailures: 0 };

  constructor(private readonly options: StoreOptions) {
    this.schedule = options.schedule ?? defaultSchedule;
    this.maxFills = options.maxFills ?? 500;
    this.maxAlerts = options.maxAlerts ?? 50;
    this.retryMs = options.snapshotRetryMs ?? 1_000;
  }

  /** The state as of the last frame commit (what React renders). */
  getState = (): ClientState => this.published;

  /** The state including messages applied since the last commit. */
  peek(): ClientState {
    return this.current;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Forming bars, delivered as they are applied (never through React). */
  onBars(listener: (bars: readonly FormingBar[]) => void): () => void {
    this.barListeners.add(listener);
    return () => this.barListeners.delete(listener);
  }

  apply(message: StreamMessage): ApplyOutcome {
    return message.kind === 'snapshot' ? this.applySnapshot(message) : this.applyBatch(message);
  }

  /** Ask for a full snapshot (one request at a time) and apply it. */
  resync(): Promise<void> {
    if (this.inflight) return this.inflight;
    this.lastRequestAt = Date.now();
    if (this.current.sync === 'live') this.commit({ ...this.current, sync: 'resyncing' });
    const p = this.options.requestSnapshot().then(
      (snap) => {
        this.inflight = null;
        this.applySnapshot(snap);
      },
      (e: unknown) => {
        this.inflight = null;
        this.stats.snapshotFailures++;
        console.warn('[store] snapshot request failed', e);
      },
    );
    this.inflight = p;
    return p;
  }

  /** Resolves once no snapshot request is in flight. */
  async settled(): Promise<void> {
    while (this.inflight) await this.inflight;
  }

  /** Publish now (tests, or a host that wants a synchronous commit). */
  flush = (): void => {
    this.scheduled = false;
    if (this.published === this.current) return;
    this.published = this.current;
    for (const l of this.listeners) l();
  };

  private applySnapshot(s: Snapshot): ApplyOutcome {
    // Always taken as the new truth, even with a lower seq: a restarted host starts counting again.
    this.commit({
      sync: 'live',
      seq: s.seq,
      sentAt: s.sentAt,
      snapshots: this.current.snapshots + 1,
      instruments: keyed(s.instruments, byInstrument),
      quotes: keyed(s.quotes, byListing),
      depth: keyed(s.depth ?? [], byListing),
      orders: keyed(s.orders, byOrder),
      fills: bounded(keyed(s.fills, byFill), this.maxFills),
      positions: keyed(s.positions, byKey),
      accounts: keyed(s.accounts, byAccount),
      connections: keyed(s.connections, byId),
      // Alerts are state: the snapshot holds every one still active or unacknowledged, so one
      // raised in a batch this client missed (a gap, a reload) is still shown.
      alerts: s.alerts.slice(-this.maxAlerts),
    });
    this.emitBars(s.bars);
    return 'applied';
  }

  private applyBatch(b: Batch): ApplyOutcome {
    const cur = this.current;
    if (cur.sync !== 'live') {
      // Waiting for a snapshot, which will include this batch. If the last request failed, the
      // stream being alive is the cue to try again (at most once per retry interval).
      if (!this.inflight && Date.now() - this.lastRequestAt >= this.retryMs) void this.resync();
      return 'ignored';
    }
    if (b.seq <= cur.seq) {
      this.stats.staleBatches++;
      return 'ignored';
    }
    if (b.seq !== cur.seq + 1) {
      this.stats.gaps++;
      console.warn(`[store] stream gap: expected seq ${cur.seq + 1}, got ${b.seq}; resyncing`);
      void this.resync();
      return 'gap';
    }
    const base = removeFrom(cur, b.removed);
    let fills = base.fills;
    if (b.fills.length > 0) {
      const m = new Map(base.fills);
      for (const f of b.fills) m.set(byFill(f), f);
      fills = bounded(m, this.maxFills);
    }
    this.commit({
      sync: 'live',
      seq: b.seq,
      sentAt: b.sentAt,
      snapshots: cur.snapshots,
      instruments: merged(base.instruments, b.instruments, byInstrument),
      quotes: merged(base.quotes, b.quotes, byListing),
      depth: merged(base.depth, b.depth ?? [], byListing),
      orders: merged(base.orders, b.orders, byOrder),
      fills,
      positions: merged(base.positions, b.positions, byKey),
      accounts: merged(base.accounts, b.accounts, byAccount),
      connections: merged(base.connections, b.connections, byId),
      alerts: b.alerts.length > 0 ? mergedAlerts(cur.alerts, b.alerts, this.maxAlerts) : cur.alerts,
    });
    this.emitBars(b.bars);
    return 'applied';
  }

  private emitBars(bars: readonly FormingBar[]): void {
    if (bars.length === 0) return;
    for (const l of this.barListeners) l(bars);
  }

  private commit(next: ClientState): void {
    this.current = next;
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(this.flush);
  }
}

/** Alerts by id, latest state; a settled one (cleared and acknowledged) leaves; newest last, bounded. */
function mergedAlerts(cur: readonly Alert[], changed: readonly Alert[], max: number): Alert[] {
  const byId = new Map(cur.map((a) => [a.id, a]));
  for (const a of changed) {
    byId.delete(a.id);
    if (a.active || !a.acknowledged) byId.set(a.id, a);
  }
  return [...byId.values()].slice(-max);
}
