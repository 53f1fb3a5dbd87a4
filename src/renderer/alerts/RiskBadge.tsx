/** The top bar's risk state (open / near the limit / locked) and the kill switch. */
import { formatMoney } from '../../shared/money';
import { useRisk } from './RiskContext';
import { KillSwitchButton } from './RiskPanel';

export function RiskBadge() {
  const { status, locked } = useRisk();
  const level = locked ? 'alarm' : (status?.level ?? 'ok');
  const text = locked
    ? 'LOCKED'
    : status === null
      ? 'Risk'
      : status.dailyLoss === null
        ? 'No loss limit'
        : `Day ${formatMoney(status.dayPnl, status.currency)} / −${formatMoney(status.dailyLoss, status.currency).replace(/^\+/, '')}`;
  return (
    <div className="risk-badge-wrap">
      <div
        className={`risk-badge level-${level}`}
        role="status"
        aria-label="Risk status"
        data-testid="risk-status"
        data-level={level}
        data-locked={locked}
        title={
          locked ? (status?.reason ?? 'Trading locked by the kill switch') : 'Daily loss against the limit'
        }
      >
        {text}
      </div>
      <KillSwitchButton label="Kill switch" hotkey />
    </div>
  );
}
