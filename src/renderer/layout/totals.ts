/**
 * The top bar's total across accounts: equity and day P&L added up per currency, never across
 * currencies (USD and EUR are two totals, not one number).
 */
import type { Account } from '../../shared/domain';

export interface CurrencyTotal {
  currency: string;
  equity: number;
  dayPnl: number;
  /** How many accounts the total adds up. */
  accounts: number;
  /** Some of them are not reconciled with their broker yet: the total may be incomplete. */
  unverified: boolean;
}

/** One total per currency, in the order the currencies first appear among the accounts. */
export function totalsByCurrency(accounts: Iterable<Account>): CurrencyTotal[] {
  const byCurrency = new Map<string, CurrencyTotal>();
  for (const a of accounts) {
    const t = byCurrency.get(a.currency);
    if (t === undefined)
      byCurrency.set(a.currency, {
        currency: a.currency,
        equity: a.equity,
        dayPnl: a.dayPnl,
        accounts: 1,
        unverified: !a.verified,
      });
    else {
      t.equity += a.equity;
      t.dayPnl += a.dayPnl;
      t.accounts += 1;
      t.unverified ||= !a.verified;
    }
  }
  return [...byCurrency.values()];
}
