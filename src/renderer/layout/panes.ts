/**
 * The trading layout's pane sizes: the watchlist's and the ticket's widths and the bottom panel's
 * height, as the trader dragged them (saved in the workspace's layout), fitted to the window so a
 * size chosen on a 1920×1080 screen never squeezes the chart or clips a panel at 1280×720.
 */

export interface PaneSizes {
  watchlistWidth: number;
  ticketWidth: number;
  bottomHeight: number;
}

export type PaneName = keyof PaneSizes;

export const PANE_NAMES: readonly PaneName[] = ['watchlistWidth', 'ticketWidth', 'bottomHeight'];

/** Below these a panel's columns or fields would clip; above them the chart gets too little. */
export const PANE_LIMITS: Record<PaneName, { min: number; max: number }> = {
  watchlistWidth: { min: 200, max: 560 },
  ticketWidth: { min: 250, max: 480 },
  bottomHeight: { min: 140, max: 900 },
};

/** What the chart keeps whatever the panes ask for. */
export const CHART_MIN = { width: 400, height: 220 };
/** The top bar's height (styles.css `.app` first row). */
export const TOP_BAR_HEIGHT = 38;

export function defaultPanes(viewport: { height: number }): PaneSizes {
  // As before splitters: the bottom tables take about 28% of the height, never under ~8 rows.
  return {
    watchlistWidth: 280,
    ticketWidth: 270,
    bottomHeight: Math.max(200, Math.round(viewport.height * 0.28)),
  };
}

const clamp = (v: number, min: number, max: number): number => Math.min(max, Math.max(min, v));

/** A saved layout value if it is a usable size, else undefined (the default applies). */
export function paneSize(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.round(value) : undefined;
}

/** The largest size `pane` may take in this window, the other panes as they are. */
export function paneMax(
  pane: PaneName,
  sizes: PaneSizes,
  viewport: { width: number; height: number },
): number {
  const limit = PANE_LIMITS[pane].max;
  const room =
    pane === 'bottomHeight'
      ? viewport.height - TOP_BAR_HEIGHT - CHART_MIN.height
      : viewport.width -
        CHART_MIN.width -
        (pane === 'watchlistWidth' ? sizes.ticketWidth : sizes.watchlistWidth);
  return Math.max(PANE_LIMITS[pane].min, Math.min(limit, room));
}

/**
 * The sizes to draw: saved values (or the defaults) within each pane's limits, then shrunk
 * towards their minimums when the window is too small to give the chart its minimum.
 */
export function fitPanes(saved: Partial<PaneSizes>, viewport: { width: number; height: number }): PaneSizes {
  const d = defaultPanes(viewport);
  const pick = (p: PaneName) => clamp(saved[p] ?? d[p], PANE_LIMITS[p].min, PANE_LIMITS[p].max);
  let watchlistWidth = pick('watchlistWidth');
  let ticketWidth = pick('ticketWidth');
  const over = watchlistWidth + ticketWidth + CHART_MIN.width - viewport.width;
  if (over > 0) {
    // Take the excess from both side panels in proportion to what each has above its minimum.
    const wSpare = watchlistWidth - PANE_LIMITS.watchlistWidth.min;
    const tSpare = ticketWidth - PANE_LIMITS.ticketWidth.min;
    const spare = wSpare + tSpare;
    if (spare > 0) {
      const cut = Math.min(over, spare);
      const wCut = Math.round((cut * wSpare) / spare);
      watchlistWidth -= wCut;
      ticketWidth -= cut - wCut;
    }
  }
  const bottomRoom = viewport.height - TOP_BAR_HEIGHT - CHART_MIN.height;
  const bottomHeight = clamp(
    Math.min(pick('bottomHeight'), bottomRoom),
    PANE_LIMITS.bottomHeight.min,
    PANE_LIMITS.bottomHeight.max,
  );
  return { watchlistWidth, ticketWidth, bottomHeight };
}
