/**
 * Order-entry rules every venue applies before an order reaches the book: prices on the tick
 * grid, quantities on the step, and stops on the right side of the last trade.
 */
import { fail, ok, type Result } from '../shared/contract';
import type { Instrument, Side } from '../shared/domain';
import { isOnStep, isOnTick, roundToStep } from '../shared/money';

/** Tick and step checks, with messages a trader can act on. */
export function checkGrid(
  inst: Instrument,
  qty: number,
  limitPrice: number | undefined | null,
  stopPrice: number | undefined | null,
): Result<Instrument> {
  for (const [label, price] of [
    ['Limit price', limitPrice],
    ['Stop price', stopPrice],
  ] as const) {
    if (price !== undefined && price !== null && !isOnTick(price, inst.tickSize))
      return fail(
        'off_tick',
        `${label} ${price} is not on ${inst.symbol}'s tick grid: the tick size is ${inst.tickSize}, so use e.g. ${roundToStep(price, inst.tickSize)}.`,
      );
  }
  if (!isOnStep(qty, inst.qtyStep))
    return fail(
      'bad_qty',
      `Quantity ${qty} is not a multiple of ${inst.symbol}'s quantity step ${inst.qtyStep}.`,
    );
  return ok(inst);
}

/** A stop at or through the last trade would trigger at once: the trader meant a market order. */
export function checkStopSide(side: Side, stopPrice: number | undefined | null, last: number): Result<null> {
  if (stopPrice === undefined || stopPrice === null) return ok(null);
  const isBuy = side === 'buy';
  if (isBuy ? stopPrice > last : stopPrice < last) return ok(null);
  return fail(
    'stop_wrong_side',
    `A ${side} stop must be ${isBuy ? 'above' : 'below'} the last price (${last}); ${stopPrice} would trigger at once.`,
  );
}
