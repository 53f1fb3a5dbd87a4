/**
 * Pairs fills into round trips, per connection, account and symbol: FIFO lots, flat to flat.
 * A scale-in adds a lot; an exit closes the oldest lots first (that is the realized P&L); a fill
 * that crosses zero closes the trip with the part that flattens it and opens the next trip with
 * the rest, its fee split by quantity. Pure: the same fills (and instruments) give the same trips.
 *
 * Entries from before the journal: when the first fill the journal sees on an account and symbol
 * reduces a position the broker already held, the journal records that position first as an
 * opening fill (`opening`), priced at the broker's average; a trip that starts from it is flagged
 * `openedBeforeJournal`, its P&L based on that average. On a spot account (a balance may be
 * deposited, or older than the trade history) nothing is seeded and a sell beyond what the journal
 * holds never opens a short: the excess is left unmatched and reported.
 *
 * The instrument (tick size, multiplier, currency, asset class) is resolved when the trips are
 * shown, not frozen when the fill was recorded: a fill booked before its instrument was known reads
 * right once it is. Ticks are given for futures only.
 */
import type { RoundTrip } from '../../../shared/journal';
import type { RecordedFill } from './record';

/** Quantities and money lose their float tails (0.30000000000000004) before anyone reads them. */
const clean = (x: number): number => Number(x.toFixed(9));
const money = (x: number): number => Number(x.toFixed(8));

/** What pairing needs to know about an instrument. */
export interface TripSpec {
  /** Null when the instrument is unknown (no ticks then). */
  tickSize: number | null;
  multiplier: number;
  currency: string;
  /** Null when unknown. */
  assetClass: string | null;
  /** False when neither the engine nor the record knows the instrument: P&L is in price units. */
  known: boolean;
}

export interface PairOptions {
  /** The instrument of a fill's symbol; by default what the record itself stored. */
  spec?: (r: RecordedFill) => TripSpec;
  /** Whether the fill's account is spot (a sell beyond the holding is unmatched, never a short). */
  spot?: (r: RecordedFill) => boolean;
  /** Told of each exit quantity that matched nothing (spot accounts). */
  onUnmatched?: (r: RecordedFill, qty: number) => void;
}

/** The spec a record stored (records before view-time resolution always stored one). */
export function storedSpec(r: RecordedFill): TripSpec {
  const known = r.multiplier !== undefined;
  return {
    tickSize: r.tickSize ?? null,
    multiplier: r.multiplier ?? 1,
    currency: r.currency ?? 'USD',
    assetClass: r.assetClass ?? null,
    known,
  };
}

interface Lot {
  qty: number;
  price: number;
}

interface OpenTrip {
  id: string;
  connectionId: string;
  accountId: string;
  symbol: string;
  dir: 1 | -1;
  lots: Lot[];
  qty: number;
  entryNotional: number;
  closedQty: number;
  exitNotional: number;
  pnl: number;
  fees: number;
  entryTime: number;
  fillIds: string[];
  spec: TripSpec;
  beforeJournal: boolean;
}

/** Fills in booking order: by time, then as recorded (a broker may stamp two fills alike). */
export function pairRoundTrips(fills: readonly RecordedFill[], opts: PairOptions = {}): RoundTrip[] {
  const specOf = opts.spec ?? storedSpec;
  const ordered = fills.map((f, i) => ({ f, i })).sort((a, b) => a.f.fill.ts - b.f.fill.ts || a.i - b.i);
  const open = new Map<string, OpenTrip>();
  const done: RoundTrip[] = [];
  for (const { f: r } of ordered) {
    const f = r.fill;
    const key = `${f.connectionId}:${f.accountId}:${f.symbol}`;
    const dir = f.side === 'buy' ? 1 : -1;
    const feePerUnit = f.commission / f.qty;
    const spot = opts.spot?.(r) === true;
    let trip = open.get(key);
    if (trip === undefined && spot && dir === -1) {
      // A spot sell with nothing the journal bought: a balance from before it, never a short.
      opts.onUnmatched?.(r, f.qty);
      continue;
    }
    if (trip === undefined || trip.dir === dir) {
      trip ??= newTrip(key, r, dir, specOf(r));
      open.set(key, trip);
      addEntry(trip, f.qty, f.price, f.commission, r);
      continue;
    }
    // An exit: close the oldest lots first.
    const held = clean(trip.qty - trip.closedQty);
    const closing = Math.min(f.qty, held);
    let left = closing;
    while (left > 0 && trip.lots.length > 0) {
      const lot = trip.lots[0] as Lot;
      const m = Math.min(lot.qty, left);
      trip.pnl += (f.price - lot.price) * trip.dir * m * trip.spec.multiplier;
      lot.qty = clean(lot.qty - m);
      left = clean(left - m);
      if (lot.qty <= 0) trip.lots.shift();
    }
    trip.closedQty = clean(trip.closedQty + closing);
    trip.exitNotional += closing * f.price;
    trip.fees += feePerUnit * closing;
    trip.fillIds.push(f.id);
    if (clean(trip.qty - trip.closedQty) <= 0) {
      done.push(view(trip, f.ts));
      open.delete(key);
    }
    const rest = clean(f.qty - closing);
    if (rest <= 0) continue;
    if (spot) {
      opts.onUnmatched?.(r, rest);
      continue;
    }
    // A reversal: the rest of the fill opens the next trip the other way.
    const next = newTrip(key, r, dir, specOf(r));
    addEntry(next, rest, f.price, feePerUnit * rest, r);
    open.set(key, next);
  }
  for (const trip of open.values()) done.push(view(trip, null));
  return done;
}

function newTrip(key: string, r: RecordedFill, dir: 1 | -1, spec: TripSpec): OpenTrip {
  return {
    id: `${key}:${r.fill.id}`,
    connectionId: r.fill.connectionId,
    accountId: r.fill.accountId,
    symbol: r.fill.symbol,
    dir,
    lots: [],
    qty: 0,
    entryNotional: 0,
    closedQty: 0,
    exitNotional: 0,
    pnl: 0,
    fees: 0,
    entryTime: r.fill.ts,
    fillIds: [],
    spec,
    beforeJournal: false,
  };
}

function addEntry(trip: OpenTrip, qty: number, price: number, fee: number, r: RecordedFill): void {
  trip.lots.push({ qty, price });
  trip.qty = clean(trip.qty + qty);
  trip.entryNotional += qty * price;
  trip.fees += fee;
  // The opening position is the broker's, not an execution: no id of its own in the trip.
  if (r.opening === true) trip.beforeJournal = true;
  else trip.fillIds.push(r.fill.id);
}

function view(t: OpenTrip, exitTime: number | null): RoundTrip {
  const pnl = money(t.pnl);
  const fees = money(t.fees);
  const { tickSize, multiplier, assetClass } = t.spec;
  const ticks = assetClass === 'future' && tickSize !== null && t.closedQty > 0;
  return {
    id: t.id,
    connectionId: t.connectionId,
    accountId: t.accountId,
    symbol: t.symbol,
    direction: t.dir === 1 ? 'long' : 'short',
    qty: t.qty,
    closedQty: t.closedQty,
    entryPrice: money(t.entryNotional / t.qty),
    exitPrice: t.closedQty > 0 ? money(t.exitNotional / t.closedQty) : null,
    entryTime: t.entryTime,
    exitTime,
    durationMs: exitTime === null || t.beforeJournal ? null : exitTime - t.entryTime,
    pnl,
    pnlTicks: ticks ? Number((t.pnl / (tickSize * multiplier * t.closedQty)).toFixed(2)) : null,
    fees,
    netPnl: money(t.pnl - t.fees),
    currency: t.spec.currency,
    open: exitTime === null,
    fillIds: [...t.fillIds],
    assetClass,
    ...(t.beforeJournal ? { openedBeforeJournal: true } : {}),
    ...(t.spec.known ? {} : { instrumentUnknown: true }),
  };
}
