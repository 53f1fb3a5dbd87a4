/** Opening a chart: history from the connection that serves it, then live bars from the BarStore. */
import { fail, ok, type ChartHistory, type ParsedRequestOf, type Result } from '../../shared/contract';
import type { BarStore } from './bars';
import type { Connection } from './connection';
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
    log.warn({ connectionId: conn.id, symbol: req.symbol, err }, 'history failed');
    return fail('history_unavailable', `${conn.label} could not load ${req.symbol} history.`);
  }
}
