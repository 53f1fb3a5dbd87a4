/** The saved workspace (`workspace.get`) as the screen uses it, with the defaults it falls back to. */
import { BottomTab, type Workspace } from '../../shared/contract';
import type { Timeframe } from '../../shared/domain';
import { PANE_NAMES, paneSize, type PaneSizes } from '../layout/panes';

/** The main chart as chosen so far: a timeframe may be picked before any symbol is known. */
export interface ChartChoice {
  symbol?: string;
  connectionId?: string;
  timeframe: Timeframe;
}

export interface LoadedWorkspace {
  /** The main watchlist's symbols in order; null: not chosen, show every listed instrument. */
  watchlist: readonly string[] | null;
  watchlistSource: Workspace['watchlistSource'];
  persistent: boolean;
  chart: ChartChoice;
  bottomTab: BottomTab;
  /** Splitter positions the trader chose; a missing one takes the default. */
  panes: Partial<PaneSizes>;
}

export const DEFAULT_CHART: ChartChoice = { timeframe: '1m' };
export const DEFAULT_TAB: BottomTab = 'Positions';

/** Anything unusable in the saved workspace (a tab this build lacks) falls back to the default. */
export function fromWorkspace(ws: Workspace): LoadedWorkspace {
  const symbols = ws.watchlists[0]?.symbols ?? [];
  const chart = ws.charts[0];
  const tab = BottomTab.safeParse(ws.layout.bottomTab);
  return {
    watchlist: symbols.length > 0 ? symbols : null,
    watchlistSource: ws.watchlistSource,
    persistent: ws.persistent,
    chart:
      chart === undefined
        ? DEFAULT_CHART
        : {
            symbol: chart.symbol,
            timeframe: chart.timeframe,
            ...(chart.connectionId === undefined ? {} : { connectionId: chart.connectionId }),
          },
    bottomTab: tab.success ? tab.data : DEFAULT_TAB,
    panes: savedPanes(ws.layout),
  };
}

function savedPanes(layout: Workspace['layout']): Partial<PaneSizes> {
  const out: Partial<PaneSizes> = {};
  for (const name of PANE_NAMES) {
    const size = paneSize(layout[name]);
    if (size !== undefined) out[name] = size;
  }
  return out;
}
