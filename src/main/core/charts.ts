/** Opening a chart: history from the connection that serves it, then live bars from the BarStore. */
import {
  fail,
  ok,
  type ChartHistory,
  type OlderChartHistory,
  type ParsedRequestOf,
  type Result,
} from '../../shared/contract';
import type { BarStore } from './bars';
import { UnsupportedTimeframe, type Connection } from './connection';
import type { Ledger } from './ledger';
import type { Logger } from './log';

export interface ChartSources {
  ledger: Ledger;
  bars: BarStore;
  connection: (id: string) => Connection | undefined;
  now: number;
  log: Logger;
}

export async function openChart(
  req: ParsedRequestOf<'term:charts.open'>,
  { ledger, bars, connection, now, log }: ChartSources,
): Promise<Result<ChartHistory>> {
  // Prefer a connection that serves history for this symbol; otherwise the first listing.
  const listings = ledger.instrumentsFor(req.symbol);
  const pick = listings.find((i) => connection(i.connectionId)?.capabilities.history === true) ?? listings[0];
  if (pick === undefined) return fail('unknown_symbol', `${req.symbol} is not listed on any connection.`);
  const conn = connection(pick.connectionId);
  if (conn === undefined) return fail('not_found', `The connection for ${req.symbol} is gone.`);
  try {
    const h = await bars.open(pick.connectionId, req.symbol, req.timeframe, conn, now);
    return ok({ series: h.series, symbol: req.symbol, timeframe: req.timeframe, bars: h.bars });
  } catch (err) {
    if (err instanceof UnsupportedTimeframe)
      return fail('unsupported_timeframe', `${conn.label} has no ${req.timeframe} bars for ${req.symbol}.`);
    log.warn({ connectionId: conn.id, symbol: req.symbol, err }, 'history failed');
    return fail('history_unavailable', `${conn.label} could not load ${req.symbol} history.`);
  }
}

/** Scrolling back: older bars of an open series from the connection that serves it. */
export async function olderChart(
  req: ParsedRequestOf<'term:charts.history'>,
  { bars, connection, log }: Pick<ChartSources, 'bars' | 'connection' | 'log'>,
): Promise<Result<OlderChartHistory>> {
  const info = bars.seriesInfo(req.series);
  if (info === undefined) return fail('not_found', `The chart ${req.series} is not open.`);
  const conn = connection(info.connectionId);
  if (conn === undefined) return fail('not_found', `The connection for ${info.symbol} is gone.`);
  if (conn.historyBefore === undefined)
    return ok({
      series: req.series,
      bars: [],
      more: false,
      reason: `${conn.label} serves no older history.`,
    });
  try {
    const older = await conn.historyBefore(info.symbol, info.timeframe, req.before, req.count);
    // Only what was asked for, oldest first, even from a careless adapter.
    const page = older.filter((b) => b.time < req.before).slice(-req.count);
    return ok(
      page.length > 0
        ? { series: req.series, bars: page, more: true }
        : { series: req.series, bars: [], more: false, reason: `No older ${info.symbol} history.` },
    );
  } catch (err) {
    log.warn({ connectionId: conn.id, symbol: info.symbol, err }, 'older history failed');
    return fail('history_unavailable', `${conn.label} could not load older ${info.symbol} history.`);
  }
}
