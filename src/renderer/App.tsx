/**
 * The trading layout: top bar, watchlist | chart | ticket, and the bottom panels, with splitters
 * between them whose positions are saved in the workspace; and the instrument search (Ctrl+K).
 */
import { useCallback, useEffect, useMemo, useState, type CSSProperties } from 'react';
import type { Instrument, Timeframe } from '../shared/domain';
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
import { defaultPanes, fitPanes, paneMax, PANE_LIMITS, type PaneName, type PaneSizes } from './layout/panes';
import { Splitter } from './layout/Splitter';
import { useViewport } from './layout/useViewport';
import { InstrumentSearch } from './search/InstrumentSearch';
import { isSearchShortcut } from './search/shortcut';
import { useLink, useStore } from './state/context';
import { useWorkspace, WorkspaceProvider } from './state/workspace';
import { OrderTicket } from './ticket/OrderTicket';
import { listingKey } from './watchlist/listings';
import { chartListing, shownSymbols, watchRows } from './watchlist/rows';
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
  const { setChart, setWatchlist, setPanes } = ws;
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

  // The instrument search: null when closed, else the query it opens with.
  const [search, setSearch] = useState<string | null>(null);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!isSearchShortcut(e)) return;
      e.preventDefault();
      // Not over another dialog: a confirmation or a form keeps the keyboard until it is closed.
      if (document.querySelector('dialog[open]') !== null) return;
      setSearch('');
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  const shown = useMemo(() => shownSymbols(rows), [rows]);
  const watched = useMemo(() => new Set(shown), [shown]);
  // Enter in the search: the symbol joins the watchlist (at the end) and its listing goes on the chart.
  const onPick = useCallback(
    (i: Instrument) => {
      if (!shown.includes(i.symbol)) setWatchlist([...shown, i.symbol]);
      setChart({ symbol: i.symbol, connectionId: i.connectionId, timeframe });
      setSearch(null);
      // Focus goes to the picked row once it is drawn (the search returns focus to its opener first).
      requestAnimationFrame(() =>
        (
          document.querySelector(`.wl-row[data-listing="${CSS.escape(listingKey(i))}"]`) as HTMLElement | null
        )?.focus(),
      );
    },
    [shown, setWatchlist, setChart, timeframe],
  );

  const viewport = useViewport();
  const panes = fitPanes(ws.panes, viewport);
  const splitter = (pane: PaneName, label: string, orientation: 'vertical' | 'horizontal', grows: 1 | -1) => (
    <Splitter
      orientation={orientation}
      label={label}
      value={panes[pane]}
      defaultValue={defaultPanes(viewport)[pane]}
      min={PANE_LIMITS[pane].min}
      max={paneMax(pane, panes, viewport)}
      grows={grows}
      onChange={(size) => setPanes({ [pane]: size } satisfies Partial<PaneSizes>)}
    />
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
        style={{ gridTemplateRows: `38px minmax(0, 1fr) 0 ${panes.bottomHeight}px` } satisfies CSSProperties}
        // What tests and tools wait on: "saved" once every change is written to settings.
        data-workspace={ws.loaded ? ws.save.kind : 'loading'}
      >
        <TopBar />
        <main
          className="workspace"
          style={{
            gridTemplateColumns: `${panes.watchlistWidth}px 0 minmax(0, 1fr) 0 ${panes.ticketWidth}px`,
          }}
        >
          <Watchlist
            rows={rows}
            instruments={instruments}
            selected={selected}
            onSelect={onSelect}
            onSymbols={setWatchlist}
            unsavedReason={unsavedReason}
            onSearch={setSearch}
          />
          {splitter('watchlistWidth', 'Resize watchlist', 'vertical', 1)}
          <ChartPanel instrument={instrument} timeframe={timeframe} onTimeframe={onTimeframe} />
          {splitter('ticketWidth', 'Resize order ticket', 'vertical', -1)}
          <OrderTicket instrument={instrument} />
        </main>
        {splitter('bottomHeight', 'Resize bottom panel', 'horizontal', -1)}
        <BottomPanel />
      </div>
      <ConnectionDialogHost />
      {search !== null ? (
        <InstrumentSearch
          initialQuery={search}
          watched={watched}
          onPick={onPick}
          onClose={() => setSearch(null)}
        />
      ) : null}
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
