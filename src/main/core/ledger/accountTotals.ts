/**
 * Account settlement: an account's realized, unrealized, fees, equity and day P&L from its
 * positions and what the broker last reported.
 */
import type { Account, AccountMode, Position } from '../../../shared/domain';

export interface AccountState {
  a: Account;
  /** Broker-reported equity and the unrealized P&L we had when it was reported. */
  reportedEquity: number | null;
  reportedDayPnl: number | null;
  unrealizedAtReport: number;
  startOfDayEquity: number | null;
  /**
   * A spot account: its cash already paid for what it holds, so equity is cash plus the holdings'
   * market value (cost + unrealized), and the day starts once every holding has a mark.
   */
  spot: boolean;
}

/** The positions an account's totals are summed from (the Ledger's position states). */
export type AccountPositions = readonly { readonly p: Position }[] | undefined;

export function newAccountState(
  connectionId: string,
  accountId: string,
  mode: AccountMode,
  currency: string,
  verified: boolean,
): AccountState {
  return {
    a: {
      connectionId,
      accountId,
      name: accountId,
      mode,
      currency,
      cash: 0,
      equity: 0,
      realizedPnl: 0,
      unrealizedPnl: 0,
      fees: 0,
      dayPnl: 0,
      verified,
    },
    reportedEquity: null,
    reportedDayPnl: null,
    unrealizedAtReport: 0,
    startOfDayEquity: null,
    spot: false,
  };
}

export function sumUnrealized(positions: AccountPositions): number {
  let u = 0;
  for (const s of positions ?? []) u += s.p.unrealizedPnl;
  return u;
}

/** Recompute the account's totals from its positions and the broker's last report. */
export function settleAccountTotals(s: AccountState, positions: AccountPositions): void {
  let realized = 0;
  let unrealized = 0;
  let fees = 0;
  let cost = 0;
  let unmarked = false;
  for (const ps of positions ?? []) {
    const p = ps.p;
    realized += p.realizedPnl;
    unrealized += p.unrealizedPnl;
    fees += p.fees;
    cost += p.qty * p.avgPrice * p.multiplier;
    if (p.qty !== 0 && p.last === null) unmarked = true;
  }
  const a = s.a;
  a.realizedPnl = realized;
  a.unrealizedPnl = unrealized;
  a.fees = fees;
  // A broker's equity already includes its own marks: move it only by how far ours moved since.
  const drift = unrealized - s.unrealizedAtReport;
  if (s.spot && s.reportedEquity === null) {
    a.equity = a.cash + cost + unrealized;
    // Until every holding is marked its value is unknown: no day P&L rather than a made-up one.
    if (s.startOfDayEquity === null && !unmarked) s.startOfDayEquity = a.equity;
    a.dayPnl = s.startOfDayEquity === null ? 0 : a.equity - s.startOfDayEquity;
    return;
  }
  a.equity = s.reportedEquity !== null ? s.reportedEquity + drift : a.cash + unrealized;
  a.dayPnl =
    s.reportedDayPnl !== null
      ? s.reportedDayPnl + drift
      : s.startOfDayEquity !== null
        ? a.equity - s.startOfDayEquity
        : realized - fees + unrealized;
}
