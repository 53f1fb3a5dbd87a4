/**
 * The Journal tab: round trips paired in main from every fill (kept in the data directory across
 * restarts), for one local day or all days, with totals per currency and CSV exports of the trips
 * and of the fills. It asks main again when fills arrive, at most once a second. Ticks are shown
 * for futures only; a trip opened before the journal says its P&L is based on the broker's average.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { JournalTotals, JournalView, RoundTrip } from '../../shared/journal';
import { useStore, useTerminal } from '../state/context';
import { formatPnl, formatQty, formatTime, signClass } from '../format';
import { useUi } from '../layout/dialogs';
import { PriceCell } from '../tables/cells';
import { VirtualTable, type Column } from '../tables/VirtualTable';
import { coalescer, type Coalescer } from './coalesce';
import { dayRange, formatDuration, localDay } from './day';
import './journal.css';

const shortDate = (ts: number): string => localDay(ts).slice(5);

function TimeCell({ ts, allDays }: { ts: number | null; allDays: boolean }) {
  if (ts === null) return <span className="dim">open</span>;
  return (
    <span className="num" title={new Date(ts).toString()}>
      {allDays ? `${shortDate(ts)} ` : ''}
      {formatTime(ts)}
    </span>
  );
}

/** "Paper · PAPER-1": the connection (by its label) and the account the trip was made on. */
function TripAccountCell({ connectionId, accountId }: { connectionId: string; accountId: string }) {
  const label = useStore((s) => s.connections.get(connectionId)?.label);
  return (
    <span title={`Connection ${connectionId} · account ${accountId}`}>
      {label ?? connectionId} · {accountId}
    </span>
  );
}

/** The symbol, marked when the trip's P&L rests on something other than its own fills. */
function TripSymbolCell({ trip: t }: { trip: RoundTrip }) {
  const notes: string[] = [];
  if (t.openedBeforeJournal === true)
    notes.push("Opened before the journal: entry and P&L are based on the broker's average price.");
  if (t.instrumentUnknown === true)
    notes.push('Instrument not known yet: P&L is in price points, without its contract multiplier.');
  return (
    <span title={notes.length > 0 ? notes.join(' ') : undefined}>
      <strong>{t.symbol}</strong>
      {notes.length > 0 ? (
        <span className="journal-note" data-testid="journal-note">
          {' '}
          *
        </span>
      ) : null}
    </span>
  );
}

function columnsFor(allDays: boolean): Column<RoundTrip>[] {
  return [
    {
      id: 'exit',
      header: 'Closed',
      title: 'When the trip went flat (local time); "open" while it still holds a position.',
      width: allDays ? '112px' : '74px',
      cell: (t) => <TimeCell ts={t.exitTime} allDays={allDays} />,
    },
    { id: 'symbol', header: 'Symbol', width: '80px', cell: (t) => <TripSymbolCell trip={t} /> },
    {
      id: 'account',
      header: 'Connection · account',
      title: 'The connection and account the trip was made on.',
      width: '170px',
      cell: (t) => <TripAccountCell connectionId={t.connectionId} accountId={t.accountId} />,
    },
    {
      id: 'side',
      header: 'Side',
      width: '52px',
      cell: (t) => (
        <span className={t.direction === 'long' ? 'up' : 'down'}>
          {t.direction === 'long' ? 'Long' : 'Short'}
        </span>
      ),
    },
    {
      id: 'qty',
      header: 'Qty',
      title: 'Quantity entered; "closed / entered" while part of it is still open.',
      width: '70px',
      align: 'right',
      cell: (t) => (
        <span className="num">
          {t.open ? `${formatQty(t.closedQty)} / ${formatQty(t.qty)}` : formatQty(t.qty)}
        </span>
      ),
    },
    {
      id: 'entry',
      header: 'Entry',
      title: 'Average entry price.',
      width: '96px',
      align: 'right',
      cell: (t) => <PriceCell connectionId={t.connectionId} symbol={t.symbol} value={t.entryPrice} average />,
    },
    {
      id: 'exitPrice',
      header: 'Exit',
      title: 'Average exit price.',
      width: '96px',
      align: 'right',
      cell: (t) => <PriceCell connectionId={t.connectionId} symbol={t.symbol} value={t.exitPrice} average />,
    },
    {
      id: 'held',
      header: 'Held',
      width: '76px',
      align: 'right',
      cell: (t) => <span className="num">{t.open ? '—' : formatDuration(t.durationMs)}</span>,
    },
    {
      id: 'pnl',
      header: 'P&L',
      title: 'Realized P&L before fees (FIFO), contract multiplier applied.',
      width: '104px',
      align: 'right',
      cell: (t) => <span className={`num ${signClass(t.pnl)}`}>{formatPnl(t.pnl, t.currency)}</span>,
    },
    {
      id: 'ticks',
      header: 'Ticks',
      title: 'P&L per contract in ticks of the instrument (futures only).',
      width: '64px',
      align: 'right',
      cell: (t) => (
        <span className={`num ${signClass(t.pnlTicks, 1)}`}>
          {t.pnlTicks === null ? '—' : `${t.pnlTicks > 0 ? '+' : ''}${Number(t.pnlTicks.toFixed(1))}`}
        </span>
      ),
    },
    {
      id: 'fees',
      header: 'Fees',
      width: '80px',
      align: 'right',
      cell: (t) => <span className="num dim">{formatPnl(-t.fees, t.currency)}</span>,
    },
    {
      id: 'net',
      header: 'Net',
      title: 'P&L after fees.',
      width: '104px',
      align: 'right',
      cell: (t) => <span className={`num ${signClass(t.netPnl)}`}>{formatPnl(t.netPnl, t.currency)}</span>,
    },
  ];
}

function Totals({ totals }: { totals: readonly JournalTotals[] }) {
  if (totals.length === 0) return <span className="dim">No closed trips.</span>;
  return (
    <>
      {totals.map((t) => (
        <span key={t.currency} className="journal-totals" data-testid={`journal-totals-${t.currency}`}>
          <span>
            Trips <b className="num">{t.trips}</b>
          </span>
          <span>
            Won <b className="num up">{t.wins}</b> · Lost <b className="num down">{t.losses}</b>
          </span>
          <span>
            P&amp;L <b className={`num ${signClass(t.pnl)}`}>{formatPnl(t.pnl, t.currency)}</b>
          </span>
          <span>
            Fees <b className="num dim">{formatPnl(-t.fees, t.currency)}</b>
          </span>
          <span>
            Net <b className={`num ${signClass(t.netPnl)}`}>{formatPnl(t.netPnl, t.currency)}</b>
          </span>
        </span>
      ))}
    </>
  );
}

/** Offers text as a file download (the page cannot write files; the browser or Electron saves it). */
function download(filename: string, csv: string): void {
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

const noClock = { now: 0 };

export function JournalPanel() {
  const { api } = useTerminal();
  const ui = useUi();
  const fills = useStore((s) => s.fills);
  const [day, setDay] = useState(() => localDay(Date.now()));
  const [allDays, setAllDays] = useState(false);
  const [view, setView] = useState<JournalView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const range = useMemo(() => (allDays ? {} : (dayRange(day) ?? {})), [allDays, day]);
  // A new fill can close or open a trip: ask again, at most once a second through a burst.
  const [asked, setAsked] = useState(0);
  const again = useRef<Coalescer | null>(null);
  useEffect(() => {
    const c = coalescer(() => setAsked((n) => n + 1), 1_000);
    again.current = c;
    return () => c.cancel();
  }, []);
  const fillsAsked = useRef(fills);
  useEffect(() => {
    if (fillsAsked.current === fills) return;
    fillsAsked.current = fills;
    again.current?.poke();
  }, [fills]);

  useEffect(() => {
    let live = true;
    api.journal
      .trades(range)
      .then((r) => {
        if (!live) return;
        if (r.ok) {
          setView(r.value);
          setError(null);
        } else setError(r.error.message);
      })
      .catch((e: unknown) => live && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      live = false;
    };
  }, [api, range, asked]);

  const exportCsv = useCallback(
    async (what: 'trades' | 'fills') => {
      try {
        const r = await api.journal.exportCsv({ what, ...range });
        if (!r.ok) return ui.notify('error', `Export failed: ${r.error.message}`);
        download(r.value.filename, r.value.csv);
        ui.notify(
          'info',
          `Exported ${r.value.rows} ${what === 'fills' ? 'fill' : 'trip'}${r.value.rows === 1 ? '' : 's'} to ${r.value.filename}.`,
        );
      } catch (e) {
        ui.notify('error', `Export failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    },
    [api, range, ui],
  );

  const columns = useMemo(() => columnsFor(allDays), [allDays]);
  return (
    <div className="journal">
      <div className="journal-bar">
        <label className="journal-day">
          Day{' '}
          <input
            type="date"
            value={day}
            disabled={allDays}
            onChange={(e) => e.target.value !== '' && setDay(e.target.value)}
          />
        </label>
        <label className="journal-all">
          <input type="checkbox" checked={allDays} onChange={(e) => setAllDays(e.target.checked)} /> All days
        </label>
        <span className="journal-summary" aria-label="Journal totals">
          <Totals totals={view?.totals ?? []} />
        </span>
        <span className="journal-actions">
          <button type="button" onClick={() => void exportCsv('trades')}>
            Export trades CSV
          </button>
          <button type="button" onClick={() => void exportCsv('fills')}>
            Export fills CSV
          </button>
        </span>
      </div>
      {error !== null ? (
        <div className="journal-problem" role="alert">
          The journal could not be read: {error}
        </div>
      ) : null}
      {view?.problems.map((p) => (
        <div key={p} className="journal-problem" role="alert">
          {p}
        </div>
      ))}
      <VirtualTable
        label="Round trips"
        rows={view?.trips ?? []}
        columns={columns}
        rowKey={(t) => t.id}
        rowClass={(t) => (t.open ? 'journal-open' : '')}
        ctx={noClock}
        empty={allDays ? 'No trades yet.' : 'No trades on this day.'}
      />
    </div>
  );
}
