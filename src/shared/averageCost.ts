/**
 * Average-cost accounting, the one fold every book keeper uses (the ledger, the paper broker and
 * the simulators): adds average in, reductions realize against the average, and a fill that flips
 * the position re-opens the remainder at the fill price.
 */

/** A signed quantity and its average entry price; mutated in place by `foldAverageCost`. */
export interface CostBasis {
  qty: number;
  avgPrice: number;
}

/** Float tails from summing broker decimals: 8 places is finer than any venue's step. */
export function cleanQuantity(x: number): number {
  return Math.round(x * 1e8) / 1e8;
}

/**
 * Apply one fill of `signedQty` (buy positive, sell negative) at `price` to `basis`.
 * Returns the realized P&L in price units × quantity (multiply by the contract multiplier);
 * 0 when the fill only adds. `roundQty` keeps the new quantity on the venue's step.
 */
export function foldAverageCost(
  basis: CostBasis,
  signedQty: number,
  price: number,
  roundQty: (qty: number) => number = cleanQuantity,
): number {
  if (basis.qty === 0 || Math.sign(basis.qty) === Math.sign(signedQty)) {
    const qty = roundQty(basis.qty + signedQty);
    basis.avgPrice = (basis.avgPrice * Math.abs(basis.qty) + price * Math.abs(signedQty)) / Math.abs(qty);
    basis.qty = qty;
    return 0;
  }
  const closing = Math.min(Math.abs(signedQty), Math.abs(basis.qty));
  const realized = (price - basis.avgPrice) * closing * Math.sign(basis.qty);
  const qty = roundQty(basis.qty + signedQty);
  if (qty === 0) basis.avgPrice = 0;
  else if (Math.sign(qty) !== Math.sign(basis.qty)) basis.avgPrice = price;
  basis.qty = qty;
  return realized;
}
