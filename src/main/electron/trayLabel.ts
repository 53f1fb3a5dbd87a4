/** The tray's P&L line, kept free of Electron so it can be tested directly. */
import { formatMoney } from '../../shared/money';

export interface PnlSummary {
  totalPnl: number;
  dayPnl: number;
  unrealizedPnl: number;
  currency: string;
  unverified: boolean;
}

/** e.g. "Peregrine — P&L +$1,234.50 (day +$310.00)"; flags an unverified account loudly. */
export function trayLabel(pnl: PnlSummary): string {
  const text = `Peregrine — P&L ${formatMoney(pnl.totalPnl, pnl.currency)} (day ${formatMoney(pnl.dayPnl, pnl.currency)})`;
  return pnl.unverified ? `${text} — UNVERIFIED` : text;
}

/** The short form for the macOS menu bar, where space is scarce. */
export function trayTitle(pnl: PnlSummary): string {
  const text = formatMoney(pnl.totalPnl, pnl.currency);
  return pnl.unverified ? `${text} UNVERIFIED` : text;
}
