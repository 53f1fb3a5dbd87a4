/** Pane sizes fitted to the window: limits, defaults, and a small window never squeezing the chart. */
import { describe, expect, it } from 'vitest';
import { CHART_MIN, fitPanes, paneMax, PANE_LIMITS, TOP_BAR_HEIGHT } from '../../src/renderer/layout/panes';

describe('fitPanes', () => {
  it('uses the defaults until the trader drags a splitter', () => {
    expect(fitPanes({}, { width: 1280, height: 720 })).toEqual({
      watchlistWidth: 280,
      ticketWidth: 270,
      bottomHeight: 202,
    });
    expect(fitPanes({}, { width: 1920, height: 1080 }).bottomHeight).toBe(302);
  });

  it('keeps saved sizes within each pane’s limits', () => {
    const fitted = fitPanes(
      { watchlistWidth: 50, ticketWidth: 5000, bottomHeight: 10 },
      { width: 3000, height: 2000 },
    );
    expect(fitted).toEqual({
      watchlistWidth: PANE_LIMITS.watchlistWidth.min,
      ticketWidth: PANE_LIMITS.ticketWidth.max,
      bottomHeight: PANE_LIMITS.bottomHeight.min,
    });
  });

  it('shrinks wide side panels saved on a big screen so the chart keeps its minimum at 1280×720', () => {
    const fitted = fitPanes(
      { watchlistWidth: 560, ticketWidth: 480, bottomHeight: 900 },
      { width: 1280, height: 720 },
    );
    expect(fitted.watchlistWidth + fitted.ticketWidth + CHART_MIN.width).toBeLessThanOrEqual(1280);
    expect(fitted.watchlistWidth).toBeGreaterThanOrEqual(PANE_LIMITS.watchlistWidth.min);
    expect(fitted.ticketWidth).toBeGreaterThanOrEqual(PANE_LIMITS.ticketWidth.min);
    expect(fitted.bottomHeight).toBe(720 - TOP_BAR_HEIGHT - CHART_MIN.height);
  });

  it('never goes under a pane’s minimum, even in a tiny window', () => {
    const fitted = fitPanes({ watchlistWidth: 400 }, { width: 600, height: 300 });
    expect(fitted).toEqual({
      watchlistWidth: PANE_LIMITS.watchlistWidth.min,
      ticketWidth: PANE_LIMITS.ticketWidth.min,
      bottomHeight: PANE_LIMITS.bottomHeight.min,
    });
  });

  it('lets a splitter go only as far as the chart’s minimum allows', () => {
    const sizes = { watchlistWidth: 280, ticketWidth: 270, bottomHeight: 200 };
    expect(paneMax('watchlistWidth', sizes, { width: 1100, height: 720 })).toBe(1100 - 400 - 270);
    expect(paneMax('ticketWidth', sizes, { width: 1920, height: 1080 })).toBe(PANE_LIMITS.ticketWidth.max);
    expect(paneMax('bottomHeight', sizes, { width: 1280, height: 720 })).toBe(720 - 38 - 220);
  });
});
