/** The trading layout: top bar, watchlist | chart | ticket, and the bottom panels. */
import { useCallback, useMemo } from 'react';
import type { Timeframe } from '../shared/domain';
import { ChartPanel } from './chart/ChartPanel';
import { ConnectionDialogHost, ConnectionSettingsProvider, SettingsProblems } from './connectionManager';
import './connectionManager/connectionManager.css';
import './alerts/alerts.css';
import { AlertToasts } from './alerts/AlertToasts';
import { RiskProvider } from './alerts/RiskContext';
import { HotkeysProvider } from './hotkeys/HotkeysProvider';
import { BottomPanel } from './layout/BottomPanel';
import { TopBar } from './layout/TopBar';
import { UiProvider } from './layout/dialogs';
import { useLink, useStore } from './state/context';
import { useWorkspace, WorkspaceProvider } from './state/workspace';
import { OrderTicket } from './ticket/OrderTicket';
import { chartListing, watchRows } from './watchlist/rows';
import { Watchlist } from './watchlist/Watchlist';

export function App() {
  return (
    <UiProvider>
      <ConnectionSettingsProvider>
        <WorkspaceProvider>
          <RiskProvider>
            <HotkeysProvider>
              <Terminal />
            </HotkeysProvider>
          </RiskProvider>
        </WorkspaceProvider>
      </ConnectionSettingsProvider>
    </UiProvider>
  );
}

function Terminal() {
  const instrumentMap = useStore((s) => s.instruments);
  const instruments = useMemo(() => [...instrumentMap.values()], [instrumentMap]);
  const ws = useWorkspace();
  const { setChart, setWatchlist } = ws;
  const rows = useMemo(() => watchRows(ws.watchlist, instruments), [ws.watchlist, instruments]);
  // A listing key (`instrumentKey`), not a symbol: two connections may both list ES. Nothing is
  // chosen before the saved workspace is known, so the chart does not open a default first.
  const selected = ws.loaded ? chartListing(ws.chart, instrumentMap, rows) : undefined;
  const instrument = selected ? instrumentMap.get(selected) : undefined;
  const timeframe = ws.chart.timeframe;
  // While the host link is down everything on screen is frozen: say so by dimming it.
  const linkDown = useLink().kind !== 'open';

  const onSelect = useCallback(
    (listing: string) => {
      const i = instrumentMap.get(listing);
      if (i) setChart({ symbol: i.symbol, connectionId: i.connectionId, timeframe });
    },
    [instrumentMap, setChart, timeframe],
  );
  const onTimeframe = useCallback(
    (tf: Timeframe) =>
      setChart(
        instrument
          ? { symbol: instrument.symbol, connectionId: instrument.connectionId, timeframe: tf }
          : { timeframe: tf },
      ),
    [instrument, setChart],
  );

  const unsavedReason =
    ws.watchlistSource === 'profile'
      ? 'This watchlist comes from the --profile file: changes last until Peregrine quits.'
      : !ws.persistent
        ? 'The settings file cannot be written this session: changes last until Peregrine quits.'
        : null;

  return (
    <>
      <AlertToasts />
      <SettingsProblems />
      <WorkspaceNotice />
      <div
        className={`app ${linkDown ? 'link-down' : ''}`}
        // What tests and tools wait on: "saved" once every change is written to settings.
        data-workspace={ws.loaded ? ws.save.kind : 'loading'}
      >
        <TopBar />
        <main className="workspace">
          <Watchlist
            rows={rows}
            instruments={instruments}
            selected={selected}
            onSelect={onSelect}
            onSymbols={setWatchlist}
            unsavedReason={unsavedReason}
          />
          <ChartPanel instrument={instrument} timeframe={timeframe} onTimeframe={onTimeframe} />
          <OrderTicket instrument={instrument} />
        </main>
        <BottomPanel />
      </div>
      <ConnectionDialogHost />
    </>
  );
}

/** Says when the saved workspace could not be read or a change could not be written. */
function WorkspaceNotice() {
  const { loadError, save } = useWorkspace();
  const message =
    loadError !== null
      ? `Saved watchlist and layout could not be read (${loadError}); showing the defaults.`
      : save.kind === 'error'
        ? `Watchlist and layout changes were not saved: ${save.message}${save.retained ? ' They will be sent again when the host link is back.' : ''}`
        : null;
  if (message === null) return null;
  return (
    // Styled like the settings-file problems: the same kind of news.
    <div className="cm-problems">
      <div className="cm-problem" role="alert" aria-label="Workspace problem">
        <span>{message}</span>
      </div>
    </div>
  );
}
