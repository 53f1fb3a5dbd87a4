/** React access to the store, the bridge and the shared clock. */
import { createContext, useContext, useSyncExternalStore } from 'react';
import type { TerminalApi } from '../../shared/api';
import type { LinkState } from '../bridge/linkState';
import type { SecondClock } from './clock';
import type { ClientState, TerminalStore } from './store';

export interface Terminal {
  api: TerminalApi;
  store: TerminalStore;
  clock: SecondClock;
  link: LinkState;
}

export const TerminalContext = createContext<Terminal | null>(null);

export function useTerminal(): Terminal {
  const t = useContext(TerminalContext);
  if (!t) throw new Error('useTerminal outside TerminalContext');
  return t;
}

/**
 * Select a value from the committed state. The selector must return something already in the
 * state (a map, an entity) or a primitive, so an unchanged value keeps its identity.
 */
export function useStore<T>(selector: (s: ClientState) => T): T {
  const { store } = useTerminal();
  return useSyncExternalStore(store.subscribe, () => selector(store.getState()));
}

/** Wall-clock time, updated once a second. */
export function useNow(): number {
  const { clock } = useTerminal();
  return useSyncExternalStore(clock.subscribe, clock.get);
}

export function useLink(): ReturnType<LinkState['get']> {
  const { link } = useTerminal();
  return useSyncExternalStore(link.subscribe, link.get);
}
