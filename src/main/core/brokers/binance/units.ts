/**
 * Exact arithmetic on Binance's decimal strings. Every Binance amount has at most 8 decimals, so
 * quantities and balances are held as integers of 1e-8 ("units") and notional as BigInt, so an
 * average price or a fee never picks up float drift from `0.1 + 0.2`.
 */
const SCALE = 100_000_000n;

/** "0.00123000" → 123000n (1e-8 units). Throws on anything that is not a plain decimal. */
export function toUnits(s: string): bigint {
  const m = /^(-?)(\d+)(?:\.(\d{1,8})\d*)?$/.exec(s);
  if (m === null) throw new Error(`not a decimal: ${s}`);
  const frac = (m[3] ?? '').padEnd(8, '0');
  const v = BigInt(m[2] ?? '0') * SCALE + BigInt(frac);
  return m[1] === '-' ? -v : v;
}

export function fromUnits(u: bigint): number {
  return Number(u) / 1e8;
}

/** A number as Binance wants it on the wire: plain notation, at most 8 decimals, no float tail. */
export function wire(n: number): string {
  const s = n.toFixed(8);
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

/**
 * Average cost of a spot holding: buys add quantity and their cost, sells take quantity out at the
 * average (the average does not move), commissions paid in the base asset reduce the quantity
 * (their value is a fee, booked separately). `known` is the quantity the trade history explains.
 */
export class CostBasis {
  /** Quantity explained by trades, in units. */
  qty = 0n;
  /** Cost of `qty` in units × units (price units times quantity units). */
  cost = 0n;

  buy(qty: bigint, price: bigint, baseFee: bigint): void {
    // The base asset kept is qty − fee, bought at `price`; the fee's value is booked as a fee.
    const kept = qty - baseFee;
    this.cost += price * kept;
    this.qty += kept;
  }

  /** P&L of what was sold against the average, in units × units (quote, 1e-16). */
  realized = 0n;

  /** `price` (units) books the sale's P&L against the average; the base fee leaves at cost. */
  sell(qty: bigint, baseFee: bigint, price?: bigint): void {
    const out = qty + baseFee;
    if (this.qty <= 0n) return;
    const take = out > this.qty ? this.qty : out;
    // Only what the history explains has a cost: the rest of a sale realizes nothing we can know.
    const sold = qty > this.qty ? this.qty : qty;
    if (price !== undefined) this.realized += price * sold - (this.cost * sold) / this.qty;
    this.cost -= (this.cost * take) / this.qty;
    this.qty -= take;
    if (this.qty === 0n) this.cost = 0n;
  }

  /** Realized P&L in the quote asset, exact to 1e-8. */
  realizedPnl(): number {
    return fromUnits(this.realized / 100_000_000n);
  }

  /** Average price (quote per base), or null with nothing known. */
  avgPrice(): number | null {
    if (this.qty <= 0n) return null;
    // cost / qty is in price units (1e-8); keep 8 decimals exactly.
    return fromUnits(this.cost / this.qty);
  }
}
