/** The saved workspace (`workspace.get`) as the screen uses it, with the defaults it falls back to. */
import { BottomTab, type Workspace } from '../../shared/contract';
import type { Timeframe } from '../../shared/domain';

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
  };
}
