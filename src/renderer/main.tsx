/** Renderer entry: pick the bridge, start the store, render the terminal (or say why not). */
import { StrictMode, useSyncExternalStore } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { connectBridge, type LinkState } from './bridge';
import { SecondClock } from './state/clock';
import { TerminalContext, type Terminal } from './state/context';
import { TerminalStore } from './state/store';
import './styles.css';

function Blocked({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <div className="blocked" role="alert">
      <h1>{title}</h1>
      {children}
    </div>
  );
}

function Root({ terminal, link }: { terminal: Terminal | null; link: LinkState }) {
  const status = useSyncExternalStore(link.subscribe, link.get);
  if (status.kind === 'missing-token' || !terminal)
    return (
      <Blocked title="Access token missing">
        <p>
          This page must be opened with the URL the Peregrine web host printed at start-up (
          <code>Peregrine web UI: http://127.0.0.1:…/?token=…</code>). The token protects your accounts from
          other pages on this machine.
        </p>
      </Blocked>
    );
  if (status.kind === 'rejected')
    return (
      <Blocked title="Access token rejected">
        <p>
          The Peregrine host refused this page&apos;s token ({status.reason}). The token changes every time
          the host starts: open the URL it printed most recently.
        </p>
      </Blocked>
    );
  return (
    <TerminalContext.Provider value={terminal}>
      <App />
    </TerminalContext.Provider>
  );
}

const bridge = connectBridge();
let terminal: Terminal | null = null;
if (bridge.api) {
  const api = bridge.api;
  const store = new TerminalStore({ requestSnapshot: () => api.stream.snapshot({}) });
  api.events.subscribe((m) => store.apply(m));
  // Every (re)open of the host link starts from a full snapshot; batches before it are ignored.
  const onLink = () => {
    if (bridge.link.get().kind === 'open') void store.resync();
  };
  bridge.link.subscribe(onLink);
  onLink();
  terminal = { api, store, clock: new SecondClock(), link: bridge.link };
}

const rootEl = document.getElementById('root');
if (rootEl)
  createRoot(rootEl).render(
    <StrictMode>
      <Root terminal={terminal} link={bridge.link} />
    </StrictMode>,
  );
