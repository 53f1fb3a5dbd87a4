/**
 * Positions / Orders / Fills / Journal / Connections / Alerts / Risk / DOM (price ladder) as tabs; counts are decoration, not part of the names.
 * The active tab is part of the saved workspace, so it is the same after a restart.
 */
import { useMemo, type KeyboardEvent } from 'react';
import { BottomTab } from '../../shared/contract';
import { isOrderDone } from '../../shared/domain';
import { AlertsPanel } from '../alerts/AlertsPanel';
import { RiskPanel } from '../alerts/RiskPanel';
import { useRisk } from '../alerts/RiskContext';
import { ConnectionSettingsBar } from '../connectionManager';
import { ConnectionsPanel } from '../connections/ConnectionsPanel';
import { JournalPanel } from '../journal/JournalPanel';
import { useStore } from '../state/context';
import { useWorkspace } from '../state/workspace';
import { LadderPanel } from '../ladder/LadderPanel';
import { FillsTable } from '../tables/FillsTable';
import { OrdersTable } from '../tables/OrdersTable';
import { PositionsTable } from '../tables/PositionsTable';

const tabs = BottomTab.options;
type Tab = BottomTab;

export function BottomPanel() {
  const { bottomTab: tab, setBottomTab: setTab } = useWorkspace();
  const positions = useStore((s) => s.positions);
  const orders = useStore((s) => s.orders);
  const connections = useStore((s) => s.connections);
  const alerts = useStore((s) => s.alerts);
  const { locked } = useRisk();
  const counts = useMemo(() => {
    let open = 0;
    for (const p of positions.values()) if (p.qty !== 0) open++;
    let working = 0;
    for (const o of orders.values()) if (!isOrderDone(o.status)) working++;
    let down = 0;
    for (const c of connections.values()) if (c.state !== 'live') down++;
    const unread = alerts.filter((a) => !a.acknowledged).length;
    return {
      Positions: open,
      Orders: working,
      Fills: null,
      Journal: null,
      Connections: down > 0 ? down : null,
      Alerts: unread > 0 ? unread : null,
      Risk: locked ? '!' : null,
      DOM: null,
    } satisfies Record<Tab, number | string | null>;
  }, [positions, orders, connections, alerts, locked]);

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    const i = tabs.indexOf(tab);
    const next = tabs[(i + (e.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length] as Tab;
    setTab(next);
    document.getElementById(`tab-${next}`)?.focus();
  };

  return (
    <section className="panel bottom">
      <div className="tabs" role="tablist" aria-label="Trading panels" onKeyDown={onKeyDown}>
        {tabs.map((t) => (
          <button
            key={t}
            id={`tab-${t}`}
            type="button"
            role="tab"
            aria-selected={tab === t}
            aria-controls={`panel-${t}`}
            tabIndex={tab === t ? 0 : -1}
            className={`tab ${tab === t ? 'active' : ''}`}
            onClick={() => setTab(t)}
          >
            {t}
            {counts[t] !== null ? (
              <span
                className={`count ${t === 'Connections' || t === 'Alerts' || t === 'Risk' ? 'warn' : ''}`}
                aria-hidden="true"
              >
                {counts[t]}
              </span>
            ) : null}
          </button>
        ))}
      </div>
      <div className="tabpanel" role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {tab === 'Positions' ? <PositionsTable /> : null}
        {tab === 'Orders' ? <OrdersTable /> : null}
        {tab === 'Fills' ? <FillsTable /> : null}
        {tab === 'Journal' ? <JournalPanel /> : null}
        {tab === 'Alerts' ? <AlertsPanel /> : null}
        {tab === 'Risk' ? <RiskPanel /> : null}
        {tab === 'DOM' ? <LadderPanel /> : null}
        {tab === 'Connections' ? (
          <div className="cm-tab">
            <ConnectionSettingsBar />
            <ConnectionsPanel />
          </div>
        ) : null}
      </div>
    </section>
  );
}
