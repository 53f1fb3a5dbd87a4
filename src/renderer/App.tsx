/** The trading layout: top bar, watchlist | chart | ticket, and the bottom panels. */
import { useMemo, useState } from 'react';
import type { Timeframe } from '../shared/domain';
import { ChartPanel } from './chart/ChartPanel';
import { ConnectionDialogHost, ConnectionSettingsProvider, SettingsProblems } from './connectionManager';
import './connectionManager/connectionManager.css';
import { AlertFeed } from './layout/AlertFeed';
import { BottomPanel } from './layout/BottomPanel';
import { TopBar } from './layout/TopBar';
import { UiProvider } from './layout/dialogs';
import { useLink, useStore } from './state/context';
import { OrderTicket } from './ticket/OrderTicket';
import { listingKey } from './watchlist/listings';
import { Watchlist } from './watchlist/Watchlist';

export function App() {
  const instrumentMap = useStore((s) => s.instruments);
  const instruments = useMemo(() => [...instrumentMap.values()], [instrumentMap]);
  // A listing key (`instrumentKey`), not a symbol: two connections may both list ES.
  const [chosen, setChosen] = useState<string | undefined>(undefined);
  const [timeframe, setTimeframe] = useState<Timeframe>('1m');
  // Until the trader picks one, follow the first instrument (and survive it disappearing).
  const first = instruments[0];
  const selected =
    chosen !== undefined && instrumentMap.has(chosen) ? chosen : first ? listingKey(first) : undefined;
  const instrument = selected ? instrumentMap.get(selected) : undefined;
  // While the host link is down everything on screen is frozen: say so by dimming it.
  const linkDown = useLink().kind !== 'open';

  return (
    <UiProvider>
      <ConnectionSettingsProvider>
        <AlertFeed />
        <SettingsProblems />
        <div className={`app ${linkDown ? 'link-down' : ''}`}>
          <TopBar />
          <main className="workspace">
            <Watchlist instruments={instruments} selected={selected} onSelect={setChosen} />
            <ChartPanel instrument={instrument} timeframe={timeframe} onTimeframe={setTimeframe} />
            <OrderTicket instrument={instrument} />
          </main>
          <BottomPanel />
        </div>
        <ConnectionDialogHost />
      </ConnectionSettingsProvider>
    </UiProvider>
  );
}
