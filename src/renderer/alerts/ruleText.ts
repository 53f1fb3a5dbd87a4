/** A rule in the trader's words, for the rules list and the history ("Total P&L below −$500"). */
import type { AlertRule } from '../../shared/alerts';
import { formatMoney } from '../../shared/money';

export function ruleText(r: AlertRule): string {
  const band = (h: number, unit: (x: number) => string) => (h > 0 ? ` (re-arms ${unit(h)} back)` : '');
  switch (r.kind) {
    case 'pnl': {
      const who =
        r.scope === 'total'
          ? 'Total'
          : r.scope === 'account'
            ? `Account ${r.account ?? '(any)'}`
            : `${r.symbol ?? 'Any'} position`;
      return `${who} P&L ${r.direction} ${formatMoney(r.threshold)}${band(r.hysteresis, (x) => formatMoney(x).replace(/^\+/, ''))}`;
    }
    case 'drawdown':
      return `Drawdown of ${formatMoney(r.amount).replace(/^\+/, '')} from the day's peak${band(r.hysteresis, (x) => formatMoney(x).replace(/^\+/, ''))}`;
    case 'price':
      return `${r.symbol} ${r.direction} ${r.level}${band(r.hysteresis, String)}`;
    case 'connection':
      return 'Connection lost or recovered';
    case 'stale':
      return `Feed silent for ${r.seconds} s`;
    case 'unverified':
      return `Account unverified for ${r.seconds} s`;
    case 'fill':
      return 'Every fill';
    case 'rejected':
      return 'Order rejected';
    case 'protection':
      return 'Protection failed or held by the terminal';
    case 'signal':
      return 'Signal received';
  }
}
