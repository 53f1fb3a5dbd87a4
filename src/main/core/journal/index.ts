/**
 * The trade journal: every execution the ledger books is written to the fills journal in the data
 * directory (once per execution id, so a fill replayed after a reconnect or a restart never
 * doubles), and round trips are paired from it on request — filtered by day, totalled per
 * currency, exported to CSV.
 */
import type { Fill } from '../../../shared/domain';
import { fillKey, positionKey } from '../../../shared/keys';
import type { JournalExport, JournalTotals, JournalView, RoundTrip } from '../../../shared/journal';
import type { Ledger } from '../ledger';
import type { Logger } from '../log';
import { fillsCsv, tripsCsv } from './csv';
import { pairRoundTrips } from './pairing';
import type { FillsFile, RecordedFill } from './record';

export { FILLS_FILE, FillsFile } from './record';

interface Range {
  from?: number | undefined;
  to?: number | undefined;
}

export interface TradeJournalOptions {
  ledger: Ledger;
  file: FillsFile;
  now?: () => number;
  logger?: Logger;
}

export class TradeJournal {
  private readonly ledger: Ledger;
  private readonly file: FillsFile;
  private readonly now: () => number;
  private readonly log: Logger | undefined;
  private readonly fills: RecordedFill[];
  private readonly seen = new Set<string>();
  private readonly problems: string[];
  private writeFailed = false;
  /** Trips paired from `fills`, dropped when a fill arrives (pairing runs on request, not per fill). */
  private paired: RoundTrip[] | null = null;
  private readonly unsubscribe: () => void;

  constructor(opts: TradeJournalOptions) {
    this.ledger = opts.ledger;
    this.file = opts.file;
    this.now = opts.now ?? Date.now;
    this.log = opts.logger;
    const loaded = this.file.load();
    this.fills = [];
    for (const r of loaded.fills) {
      const key = fillKey(r.fill.connectionId, r.fill.id);
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      this.fills.push(r);
    }
    this.problems = loaded.problems;
    this.unsubscribe = this.ledger.events.on('fill', ({ fill }) => this.record(fill));
  }

  dispose(): void {
    this.unsubscribe();
  }

  /**
   * Books one execution: on disk first, then in the trips. A fill the ledger synthesized while
   * reconciling is left out: the broker's real executions replace it.
   */
  record(fill: Fill): void {
    if (fill.synthetic === true) return;
    const key = fillKey(fill.connectionId, fill.id);
    if (this.seen.has(key)) return;
    const inst = this.ledger.instrument(fill.connectionId, fill.symbol);
    const pos = this.ledger.position(positionKey(fill.connectionId, fill.accountId, fill.symbol));
    const r: RecordedFill = {
      v: 1,
      fill,
      tickSize: inst?.tickSize ?? 0.01,
      multiplier: inst?.multiplier ?? pos?.multiplier ?? 1,
      currency: inst?.currency ?? pos?.currency ?? 'USD',
      recordedAt: this.now(),
    };
    if (!this.file.append(r) && !this.writeFailed) {
      this.writeFailed = true;
      this.problems.push(
        `The trade journal could not be written to ${this.file.path ?? 'disk'}: trips from ${new Date(r.recordedAt).toISOString()} on are kept until quit only.`,
      );
    }
    this.seen.add(key);
    this.fills.push(r);
    this.paired = null;
    this.log?.debug({ connectionId: fill.connectionId, fillId: fill.id }, 'journal: fill recorded');
  }

  private trips(): RoundTrip[] {
    this.paired ??= pairRoundTrips(this.fills);
    return this.paired;
  }

  view(range: Range = {}): JournalView {
    const trips = this.trips()
      .filter((t) => (t.exitTime === null ? before(t.entryTime, range) : inRange(t.exitTime, range)))
      .sort((a, b) => Number(b.open) - Number(a.open) || (b.exitTime ?? 0) - (a.exitTime ?? 0));
    return {
      trips,
      totals: totalsOf(trips),
      fills: this.fills.filter((r) => inRange(r.fill.ts, range)).length,
      problems: [...this.problems],
    };
  }

  exportCsv(what: 'trades' | 'fills', range: Range = {}): JournalExport {
    const name = `peregrine-${what}${dayLabel(range)}.csv`;
    if (what === 'fills') {
      const fills = this.fills.filter((r) => inRange(r.fill.ts, range)).sort((a, b) => a.fill.ts - b.fill.ts);
      return { filename: name, csv: fillsCsv(fills), rows: fills.length };
    }
    const trips = this.view(range).trips.sort((a, b) => a.entryTime - b.entryTime);
    return { filename: name, csv: tripsCsv(trips), rows: trips.length };
  }
}

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
