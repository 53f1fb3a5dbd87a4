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
  for (const ps of positions ?? []) {
    const p = ps.p;
    realized += p.realizedPnl;
    unrealized += p.unrealizedPnl;
    fees += p.fees;
  }
  const a = s.a;
  a.realizedPnl = realized;
  a.unrealizedPnl = unrealized;
  a.fees = fees;
  // A broker's equity already includes its own marks: move it only by how far ours moved since.
  const drift = unrealized - s.unrealizedAtReport;
  a.equity = s.reportedEquity !== null ? s.reportedEquity + drift : a.cash + unrealized;
  a.dayPnl =
    s.reportedDayPnl !== null
      ? s.reportedDayPnl + drift
      : s.startOfDayEquity !== null
        ? a.equity - s.startOfDayEquity
        : realized - fees + unrealized;
}
