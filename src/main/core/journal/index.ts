/**
 * The trade journal: every execution the ledger books is written to the fills journal in the data
 * directory (once per execution id, so a fill replayed after a reconnect or a restart never
 * doubles), and round trips are paired from it on request — filtered by day, totalled per
 * currency, exported to CSV.
 *
 * Fills are kept in memory per account and symbol, and each one's trips are cached until a new fill
 * (or another instrument) arrives for it: a view re-pairs only what changed. Instruments are
 * resolved when shown (the engine's, else what the record stored), never frozen as guesses. The
 * first fill on an account and symbol that reduces a position the broker already held records that
 * position first (see pairing: trips opened before the journal; spot sells never open shorts).
 * Limitation: when that first fill is itself a replay of an earlier exit today, the position seen is
 * already after it, so the opening is smaller than what was held before the journal.
 * An export of all days is refused past `maxExportRows` with a request for a day range.
 */
import type { Fill, Position } from '../../../shared/domain';
import { fail, ok, type Result } from '../../../shared/contract';
import { fillKey, positionKey } from '../../../shared/keys';
import type { JournalExport, JournalTotals, JournalView, RoundTrip } from '../../../shared/journal';
import type { Ledger } from '../ledger';
import type { Logger } from '../log';
import { fillsCsv, tripsCsv } from './csv';
import { pairRoundTrips, storedSpec, type TripSpec } from './pairing';
import type { FillsFile, RecordedFill } from './record';

export { FILLS_FILE, FillsFile } from './record';

interface Range {
  from?: number | undefined;
  to?: number | undefined;
}

/** Rows an export of all days may hold; past it the trader is asked for a day range. */
const MAX_EXPORT_ROWS = 100_000;

export interface TradeJournalOptions {
  ledger: Ledger;
  file: FillsFile;
  now?: () => number;
  logger?: Logger;
  maxExportRows?: number;
}

interface Paired {
  /** The instrument and account kind the trips were paired with. */
  sig: string;
  trips: RoundTrip[];
  unmatched: number;
}

/** The broker's position before the journal's first fill on it. */
interface HeldBefore {
  qty: number;
  avgPrice: number;
}

export class TradeJournal {
  private readonly ledger: Ledger;
  private readonly file: FillsFile;
  private readonly now: () => number;
  private readonly log: Logger | undefined;
  private readonly maxExportRows: number;
  /** Every recorded fill (openings included), in recording order. */
  private readonly fills: RecordedFill[] = [];
  /** The same, per `connection:account:symbol`. */
  private readonly byKey = new Map<string, RecordedFill[]>();
  private readonly paired = new Map<string, Paired>();
  /** Positions the broker holds on keys the journal has no fill on yet. */
  private readonly heldBefore = new Map<string, HeldBefore>();
  /** Keys whose position moved by a synthesized fill the journal leaves out: held as before it. */
  private readonly frozen = new Set<string>();
  private readonly seen = new Set<string>();
  private readonly problems: string[];
  private writeFailed = false;
  private readonly unsubscribe: (() => void)[];

  constructor(opts: TradeJournalOptions) {
    this.ledger = opts.ledger;
    this.file = opts.file;
    this.now = opts.now ?? Date.now;
    this.log = opts.logger;
    this.maxExportRows = opts.maxExportRows ?? MAX_EXPORT_ROWS;
    const loaded = this.file.load();
    for (const r of loaded.fills) {
      const key = fillKey(r.fill.connectionId, r.fill.id);
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      this.keep(r);
    }
    this.problems = loaded.problems;
    for (const p of this.ledger.positions()) this.notePosition(p);
    this.unsubscribe = [
      this.ledger.events.on('position', ({ position }) => this.notePosition(position)),
      this.ledger.events.on('fill', ({ fill }) => this.record(fill)),
    ];
  }

  dispose(): void {
    for (const u of this.unsubscribe) u();
  }

  private keep(r: RecordedFill): void {
    const key = tripKey(r.fill);
    this.fills.push(r);
    let list = this.byKey.get(key);
    if (list === undefined) {
      list = [];
      this.byKey.set(key, list);
    }
    list.push(r);
    this.paired.delete(key);
  }

  /** Until the journal has a fill on it, a position is what the broker held before the journal. */
  private notePosition(p: Position): void {
    const key = positionKey(p.connectionId, p.accountId, p.symbol);
    if (this.byKey.has(key) || this.frozen.has(key)) return;
    if (p.qty === 0) this.heldBefore.delete(key);
    else this.heldBefore.set(key, { qty: p.qty, avgPrice: p.avgPrice });
  }

  /**
   * Books one execution: on disk first, then in the trips. A fill the ledger synthesized while
   * reconciling is left out: the broker's real executions replace it.
   */
  record(fill: Fill): void {
    if (fill.synthetic === true) {
      // Its real execution follows: what the broker held before is what it held before this.
      this.frozen.add(tripKey(fill));
      return;
    }
    const key = fillKey(fill.connectionId, fill.id);
    if (this.seen.has(key)) return;
    const inst = this.ledger.instrument(fill.connectionId, fill.symbol);
    const spot = this.ledger.isSpot(fill.connectionId, fill.accountId);
    const base = {
      v: 1 as const,
      ...(inst === undefined
        ? {}
        : {
            tickSize: inst.tickSize,
            multiplier: inst.multiplier,
            currency: inst.currency,
            assetClass: inst.assetClass,
          }),
      ...(spot ? { spot: true as const } : {}),
      recordedAt: this.now(),
    };
    const tk = tripKey(fill);
    const before = this.byKey.has(tk) ? undefined : this.heldBefore.get(tk);
    this.heldBefore.delete(tk);
    this.frozen.delete(tk);
    // Only a first fill that reduces the held position proves it predates the journal: one that
    // adds to it may be the very execution that made it (a replay after connecting, or a spot
    // balance reported before its trade), so a spot account is never seeded (its excess sells are
    // unmatched instead).
    const exits = before !== undefined && (fill.side === 'buy' ? before.qty < 0 : before.qty > 0);
    if (before !== undefined && exits && !spot && before.avgPrice > 0) {
      // The broker held this before the journal's first fill on it: an opening at its average.
      this.write({
        ...base,
        opening: true,
        fill: {
          id: `before-journal:${fill.id}`,
          orderId: '',
          connectionId: fill.connectionId,
          accountId: fill.accountId,
          symbol: fill.symbol,
          side: before.qty > 0 ? 'buy' : 'sell',
          qty: Math.abs(before.qty),
          price: before.avgPrice,
          commission: 0,
          ts: fill.ts,
        },
      });
    }
    this.write({ ...base, fill });
    this.seen.add(key);
    this.log?.debug({ connectionId: fill.connectionId, fillId: fill.id }, 'journal: fill recorded');
  }

  private write(r: RecordedFill): void {
    if (!this.file.append(r) && !this.writeFailed) {
      this.writeFailed = true;
      this.problems.push(
        `The trade journal could not be written to ${this.file.path ?? 'disk'}: trips from ${new Date(r.recordedAt).toISOString()} on are kept until quit only.`,
      );
    }
    this.keep(r);
  }

  /** The instrument a key's trips are shown with: the engine's now, else what was recorded. */
  private specFor(fills: readonly RecordedFill[]): TripSpec {
    const first = fills[0] as RecordedFill;
    const inst = this.ledger.instrument(first.fill.connectionId, first.fill.symbol);
    if (inst !== undefined)
      return {
        tickSize: inst.tickSize,
        multiplier: inst.multiplier,
        currency: inst.currency,
        assetClass: inst.assetClass,
        known: true,
      };
    const stored = fills.find((r) => r.multiplier !== undefined);
    if (stored !== undefined) return storedSpec(stored);
    const pos = this.ledger.position(tripKey(first.fill));
    return {
      tickSize: null,
      multiplier: 1,
      currency: pos?.currency ?? 'USD',
      assetClass: null,
      known: false,
    };
  }

  private pairedFor(key: string, fills: readonly RecordedFill[]): Paired {
    const spec = this.specFor(fills);
    const first = (fills[0] as RecordedFill).fill;
    const spot =
      fills.some((r) => r.spot === true) || this.ledger.isSpot(first.connectionId, first.accountId);
    const sig = `${JSON.stringify(spec)}:${spot}`;
    const cached = this.paired.get(key);
    if (cached?.sig === sig) return cached;
    let unmatched = 0;
    const trips = pairRoundTrips(fills, {
      spec: () => spec,
      spot: () => spot,
      onUnmatched: (_r, qty) => {
        unmatched += qty;
      },
    });
    const p = { sig, trips, unmatched: Number(unmatched.toFixed(9)) };
    this.paired.set(key, p);
    return p;
  }

  private trips(): { trips: RoundTrip[]; unmatched: string[] } {
    const trips: RoundTrip[] = [];
    const unmatched: string[] = [];
    for (const [key, fills] of this.byKey) {
      const p = this.pairedFor(key, fills);
      trips.push(...p.trips);
      if (p.unmatched > 0) {
        const f = (fills[0] as RecordedFill).fill;
        unmatched.push(
          `${p.unmatched} ${f.symbol} sold on spot account ${f.accountId} (${f.connectionId}) was held before the journal's first buy: those sells are left out of the trips.`,
        );
      }
    }
    return { trips, unmatched };
  }

  view(range: Range = {}): JournalView {
    const all = this.trips();
    const trips = all.trips
      .filter((t) => (t.exitTime === null ? before(t.entryTime, range) : inRange(t.exitTime, range)))
      .sort((a, b) => Number(b.open) - Number(a.open) || (b.exitTime ?? 0) - (a.exitTime ?? 0));
    return {
      trips,
      totals: totalsOf(trips),
      fills: this.executions().filter((r) => inRange(r.fill.ts, range)).length,
      problems: [...this.problems, ...all.unmatched],
    };
  }

  /** Recorded executions (not the positions held before the journal). */
  private executions(): RecordedFill[] {
    return this.fills.filter((r) => r.opening !== true);
  }

  exportCsv(what: 'trades' | 'fills', range: Range = {}): Result<JournalExport> {
    const name = `peregrine-${what}${dayLabel(range)}.csv`;
    const rows =
      what === 'fills'
        ? this.executions()
            .filter((r) => inRange(r.fill.ts, range))
            .sort((a, b) => a.fill.ts - b.fill.ts)
        : this.view(range).trips.sort((a, b) => a.entryTime - b.entryTime);
    if (rows.length > this.maxExportRows)
      return fail(
        'too_large',
        `${rows.length.toLocaleString('en-US')} ${what === 'fills' ? 'fills' : 'trips'} are more than one export holds (${this.maxExportRows.toLocaleString('en-US')}): export one day at a time.`,
      );
    const csv = what === 'fills' ? fillsCsv(rows as RecordedFill[]) : tripsCsv(rows as RoundTrip[]);
    return ok({ filename: name, csv, rows: rows.length });
  }
}

const tripKey = (f: Fill): string => positionKey(f.connectionId, f.accountId, f.symbol);

function inRange(ts: number, r: Range): boolean {
  return (r.from === undefined || ts >= r.from) && (r.to === undefined || ts < r.to);
}

/** An open trip counts for every day from the one it opened on. */
function before(ts: number, r: Range): boolean {
  return r.to === undefined || ts < r.to;
}

function totalsOf(trips: readonly RoundTrip[]): JournalTotals[] {
  const by = new Map<string, JournalTotals>();
  for (const t of trips) {
    if (t.open) continue;
    let s = by.get(t.currency);
    if (s === undefined) {
      s = { currency: t.currency, trips: 0, wins: 0, losses: 0, pnl: 0, fees: 0, netPnl: 0 };
      by.set(t.currency, s);
    }
    s.trips++;
    if (t.netPnl > 0) s.wins++;
    else if (t.netPnl < 0) s.losses++;
    s.pnl = noTail(s.pnl + t.pnl);
    s.fees = noTail(s.fees + t.fees);
    s.netPnl = noTail(s.netPnl + t.netPnl);
  }
  return [...by.values()];
}

const noTail = (x: number): number => Number(x.toFixed(8));

/** "-2026-12-01" for a day range (its middle, so a local day names itself), "" for all. */
function dayLabel(r: Range): string {
  if (r.from === undefined || r.to === undefined) return '';
  return `-${new Date((r.from + r.to) / 2).toISOString().slice(0, 10)}`;
}
