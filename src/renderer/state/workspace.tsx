/**
 * The trader's workspace in the renderer: the watchlist's symbols, the main chart's choice and
 * the bottom tab, loaded once from `workspace.get` and written back through a debounced
 * `WorkspaceSaver`. Components change it only through the setters here, which update the screen
 * at once and queue the write.
 */
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
  useSyncExternalStore,
  type ReactNode,
} from 'react';
import type { BottomTab, Workspace } from '../../shared/contract';
import type { PaneSizes } from '../layout/panes';
import { useLink, useTerminal } from './context';
import {
  DEFAULT_CHART,
  DEFAULT_TAB,
  fromWorkspace,
  type ChartChoice,
  type LoadedWorkspace as Loaded,
} from './workspaceView';
import { WorkspaceSaver, type SaveState } from './workspaceSaver';

export type { ChartChoice };

export interface WorkspaceState {
  /** False until `workspace.get` answered (or failed): the saved choices are not known yet. */
  loaded: boolean;
  /** Why the saved workspace could not be read; the defaults are in use meanwhile. */
  loadError: string | null;
  /** The main watchlist's symbols in order; null: not chosen, show every listed instrument. */
  watchlist: readonly string[] | null;
  watchlistSource: Workspace['watchlistSource'];
  persistent: boolean;
  chart: ChartChoice;
  bottomTab: BottomTab;
  /** Splitter positions as saved or dragged (not yet fitted to the window). */
  panes: Partial<PaneSizes>;
  save: SaveState;
  setWatchlist(symbols: readonly string[]): void;
  setChart(chart: ChartChoice): void;
  setBottomTab(tab: BottomTab): void;
  setPanes(sizes: Partial<PaneSizes>): void;
}

const Ctx = createContext<WorkspaceState | null>(null);

export function useWorkspace(): WorkspaceState {
  const value = useContext(Ctx);
  if (!value) throw new Error('useWorkspace outside WorkspaceProvider');
  return value;
}

export function WorkspaceProvider({ children }: { children: ReactNode }) {
  const { api } = useTerminal();
  const linkOpen = useLink().kind === 'open';
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  // Choices made on screen; they win over what was loaded.
  const [local, setLocal] = useState<Partial<Loaded>>({});
  const [saver] = useState(() => new WorkspaceSaver({ send: (patch) => api.workspace.update(patch) }));
  const save = useSyncExternalStore(saver.subscribe, saver.get);

  // Read once the host link is open; a failed read is tried again on the next open.
  useEffect(() => {
    if (!linkOpen || loaded !== null) return;
    let live = true;
    api.workspace.get({}).then(
      (res) => {
        if (!live) return;
        if (res.ok) {
          setLoaded(fromWorkspace(res.value));
          setLoadError(null);
        } else setLoadError(res.error.message);
      },
      (e: unknown) => {
        if (live) setLoadError(e instanceof Error ? e.message : String(e));
      },
    );
    return () => {
      live = false;
    };
  }, [api, linkOpen, loaded]);

  // A change kept while the link was down goes out once it is back.
  useEffect(() => {
    if (linkOpen && save.kind === 'error' && save.retained) void saver.flush();
  }, [linkOpen, save, saver]);

  // Closing or reloading the page must not lose the last half second of changes.
  useEffect(() => {
    const onHide = () => void saver.flush();
    window.addEventListener('pagehide', onHide);
    return () => window.removeEventListener('pagehide', onHide);
  }, [saver]);

  useEffect(() => () => saver.dispose(), [saver]);

  const setWatchlist = useCallback(
    (symbols: readonly string[]) => {
      setLocal((l) => ({ ...l, watchlist: [...symbols] }));
      saver.change({ watchlist: [...symbols] });
    },
    [saver],
  );
  const setChart = useCallback(
    (chart: ChartChoice) => {
      setLocal((l) => ({ ...l, chart }));
      // Without a symbol there is nothing to restore yet: keep the timeframe on screen only.
      if (chart.symbol !== undefined)
        saver.change({
          chart: {
            symbol: chart.symbol,
            timeframe: chart.timeframe,
            ...(chart.connectionId === undefined ? {} : { connectionId: chart.connectionId }),
          },
        });
    },
    [saver],
  );
  const setBottomTab = useCallback(
    (tab: BottomTab) => {
      setLocal((l) => ({ ...l, bottomTab: tab }));
      saver.change({ layout: { bottomTab: tab } });
    },
    [saver],
  );

  const setPanes = useCallback(
    (sizes: Partial<PaneSizes>) => {
      setLocal((l) => ({ ...l, panes: { ...l.panes, ...sizes } }));
      saver.change({ layout: sizes });
    },
    [saver],
  );

  const value = useMemo<WorkspaceState>(
    () => ({
      loaded: loaded !== null || loadError !== null,
      loadError,
      watchlist: local.watchlist !== undefined ? local.watchlist : (loaded?.watchlist ?? null),
      watchlistSource: loaded?.watchlistSource ?? 'settings',
      persistent: loaded?.persistent ?? true,
      chart: local.chart ?? loaded?.chart ?? DEFAULT_CHART,
      bottomTab: local.bottomTab ?? loaded?.bottomTab ?? DEFAULT_TAB,
      panes: { ...loaded?.panes, ...local.panes },
      save,
      setWatchlist,
      setChart,
      setBottomTab,
      setPanes,
    }),
    [loaded, loadError, local, save, setWatchlist, setChart, setBottomTab, setPanes],
  );
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}
