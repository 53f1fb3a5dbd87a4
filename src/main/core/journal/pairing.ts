/**
 * Pairs fills into round trips, per connection, account and symbol: FIFO lots, flat to flat.
 * A scale-in adds a lot; an exit closes the oldest lots first (that is the realized P&L); a fill
 * that crosses zero closes the trip with the part that flattens it and opens the next trip with
 * the rest, its fee split by quantity. Pure: the same fills always give the same trips.
 */
import type { RoundTrip } from '../../../shared/journal';
import type { RecordedFill } from './record';

/** Quantities and money lose their float tails (0.30000000000000004) before anyone reads them. */
const clean = (x: number): number => Number(x.toFixed(9));
const money = (x: number): number => Number(x.toFixed(8));

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
  tickSize: number;
  multiplier: number;
  currency: string;
}

/** Fills in booking order: by time, then as recorded (a broker may stamp two fills alike). */
export function pairRoundTrips(fills: readonly RecordedFill[]): RoundTrip[] {
  const ordered = fills.map((f, i) => ({ f, i })).sort((a, b) => a.f.fill.ts - b.f.fill.ts || a.i - b.i);
  const open = new Map<string, OpenTrip>();
  const done: RoundTrip[] = [];
  for (const { f: r } of ordered) {
    const f = r.fill;
    const key = `${f.connectionId}:${f.accountId}:${f.symbol}`;
    const dir = f.side === 'buy' ? 1 : -1;
    const feePerUnit = f.commission / f.qty;
    let trip = open.get(key);
    if (trip === undefined || trip.dir === dir) {
      trip ??= newTrip(key, r, dir);
      open.set(key, trip);
      addEntry(trip, f.qty, f.price, f.commission, f.id);
      continue;
    }
    // An exit: close the oldest lots first.
    const held = clean(trip.qty - trip.closedQty);
    const closing = Math.min(f.qty, held);
    let left = closing;
    while (left > 0 && trip.lots.length > 0) {
      const lot = trip.lots[0] as Lot;
      const m = Math.min(lot.qty, left);
      trip.pnl += (f.price - lot.price) * trip.dir * m * trip.multiplier;
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
    if (rest > 0) {
      // A reversal: the rest of the fill opens the next trip the other way.
      const next = newTrip(key, r, dir);
      addEntry(next, rest, f.price, feePerUnit * rest, f.id);
      open.set(key, next);
    }
  }
  for (const trip of open.values()) done.push(view(trip, null));
  return done;
}

function newTrip(key: string, r: RecordedFill, dir: 1 | -1): OpenTrip {
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
    tickSize: r.tickSize,
    multiplier: r.multiplier,
    currency: r.currency,
  };
}

function addEntry(trip: OpenTrip, qty: number, price: number, fee: number, fillId: string): void {
  trip.lots.push({ qty, price });
  trip.qty = clean(trip.qty + qty);
  trip.entryNotional += qty * price;
  trip.fees += fee;
  trip.fillIds.push(fillId);
}

function view(t: OpenTrip, exitTime: number | null): RoundTrip {
  const pnl = money(t.pnl);
  const fees = money(t.fees);
  const tickValue = t.tickSize * t.multiplier;
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
    durationMs: exitTime === null ? null : exitTime - t.entryTime,
    pnl,
    pnlTicks: t.closedQty > 0 ? Number((t.pnl / (tickValue * t.closedQty)).toFixed(2)) : null,
    fees,
    netPnl: money(t.pnl - t.fees),
    currency: t.currency,
    open: exitTime === null,
    fillIds: [...t.fillIds],
  };
}
