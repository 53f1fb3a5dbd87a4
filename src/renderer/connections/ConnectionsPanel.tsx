/** One row per connection: supervisor state, latency, liveness and the two manual controls. */
import { useMemo } from 'react';
import type { ConnectionHealth } from '../../shared/domain';
import { formatNumber } from '../../shared/money';
import { useNow, useStore, useTerminal } from '../state/context';
import { formatAge, formatMs } from '../format';
import { useUi } from '../layout/dialogs';
import { VirtualTable, type Column } from '../tables/VirtualTable';
import { Sparkline } from './Sparkline';
import { errorView, stateTone } from './health';

function Actions({ c }: { c: ConnectionHealth }) {
  const { api } = useTerminal();
  const ui = useUi();
  const run = async (verb: 'reconnect' | 'disconnect') => {
    try {
      const res = await api.connections[verb]({ id: c.id });
      if (!res.ok) ui.notify('error', `${c.label}: ${res.error.message}`);
    } catch (e) {
      ui.notify('error', `${c.label}: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  return (
    <span className="conn-actions">
      <button type="button" className="row-btn" onClick={() => void run('reconnect')}>
        Reconnect now
      </button>
      <button
        type="button"
        className="row-btn"
        disabled={c.state === 'stopped'}
        onClick={() => void run('disconnect')}
      >
        Disconnect
      </button>
    </span>
  );
}

function retrySeconds(c: ConnectionHealth, now: number): number | null {
  return c.nextRetryAt === null ? null : Math.max(0, Math.ceil((c.nextRetryAt - now) / 1000));
}

function retryText(c: ConnectionHealth, now: number): string {
  const s = retrySeconds(c, now);
  return s === null ? '—' : `in ${s}s`;
}

function ErrorCell({ c, now }: { c: ConnectionHealth; now: number }) {
  const bad = c.malformedFrames > 0 ? <span className="tag">{c.malformedFrames} bad frames</span> : null;
  const v = errorView(c, now);
  if (v === null) return <span className="dim">—{bad}</span>;
  return (
    <span
      className={v.current ? 'down' : 'dim'}
      data-error={v.current ? 'current' : 'history'}
      title={v.title}
    >
      {v.text}
      {bad}
    </span>
  );
}

/**
 * The paper broker runs inside the host: there is no link to time, so a "0.0ms" RTT or lag would
 * read as a measurement of one. Say what it is instead.
 */
function inProcess(c: ConnectionHealth): boolean {
  return c.kind === 'paper';
}

function InProcess({ className = '' }: { className?: string }) {
  return (
    <span className={`dim in-process ${className}`} title="Runs in-process: no network link to measure.">
      in-process
    </span>
  );
}

/** RTT and lag read the same way: a sparkline of recent samples beside the latest figure. */
function metricColumn(
  id: string,
  header: string,
  history: (c: ConnectionHealth) => number[],
  latest: (c: ConnectionHealth) => number | null,
): Column<ConnectionHealth> {
  return {
    id,
    header,
    width: '130px',
    align: 'right',
    cell: (c) =>
      inProcess(c) ? (
        <InProcess />
      ) : (
        <span className="metric">
          <Sparkline values={history(c)} label={`${header} history`} />
          <span className="num">{formatMs(latest(c))}</span>
        </span>
      ),
  };
}

/** Request weight left this minute where the broker meters it (Binance); the terminal holds back first. */
function WeightCell({ c }: { c: ConnectionHealth }) {
  const r = c.rateLimit;
  if (r === undefined) return <span className="dim">—</span>;
  const until = r.blockedUntil;
  return (
    <span
      className={`num${until !== null || r.headroomPct < 20 ? ' tone-bad' : ''}`}
      data-testid="weight-headroom"
      title={`Request weight ${r.used.toLocaleString('en-US')} of ${r.limit.toLocaleString('en-US')} used this minute${until !== null ? `; the broker asked us to stop until ${new Date(until).toLocaleTimeString()}` : ''}. Past 80 % only orders and cancels are sent.`}
    >
      {until !== null ? 'held' : `${r.headroomPct.toFixed(0)} %`}
    </span>
  );
}

const columns: Column<ConnectionHealth>[] = [
  {
    id: 'name',
    header: 'Connection',
    width: '200px',
    cell: (c) => (
      <span title={`${c.kind} · ${c.id}`}>
        <strong>{c.label}</strong> <span className="dim">{c.kind}</span>{' '}
        <span className={`mode mode-${c.mode}`}>{c.mode}</span>
      </span>
    ),
  },
  {
    id: 'state',
    header: 'State',
    width: '110px',
    cell: (c, { now }) => {
      const retry = c.state === 'backoff' ? retrySeconds(c, now) : null;
      return (
        <span
          className={`state tone-${stateTone(c.state)}`}
          data-state={c.state}
          title={`${c.state} for ${formatAge(now - c.since)}`}
        >
          <span className="dot" aria-hidden="true" />
          {c.state}
          {retry !== null ? <span className="num">{retry}s</span> : null}
        </span>
      );
    },
  },
  metricColumn(
    'rtt',
    'RTT',
    (c) => c.rttHistory,
    (c) => c.rttMs,
  ),
  metricColumn(
    'lag',
    'Lag',
    (c) => c.lagHistory,
    (c) => c.lagMs,
  ),
  {
    id: 'last',
    header: 'Last msg',
    width: '70px',
    align: 'right',
    cell: (c, { now }) => (
      <span className="num">{c.lastMessageAt === null ? '—' : formatAge(now - c.lastMessageAt)}</span>
    ),
  },
  {
    id: 'rate',
    header: 'Msg/s',
    width: '60px',
    align: 'right',
    cell: (c) => <span className="num">{formatNumber(c.messagesPerSec, 0)}</span>,
  },
  {
    id: 'weight',
    header: 'Headroom',
    width: '64px',
    align: 'right',
    cell: (c) => <WeightCell c={c} />,
  },
  {
    id: 'reconnects',
    header: 'Reconnects',
    width: '80px',
    align: 'right',
    cell: (c) => <span className="num">{formatNumber(c.reconnects, 0)}</span>,
  },
  {
    id: 'retry',
    header: 'Next retry',
    width: '80px',
    align: 'right',
    cell: (c, { now }) => <span className="num">{retryText(c, now)}</span>,
  },
  {
    id: 'error',
    header: 'Last error',
    // Narrower minimum since Headroom joined: the row still fits 1280 px without clipping Actions.
    width: 'minmax(96px, 1fr)',
    cell: (c, { now }) => <ErrorCell c={c} now={now} />,
  },
  { id: 'actions', header: 'Actions', width: '200px', align: 'center', cell: (c) => <Actions c={c} /> },
];

export function ConnectionsPanel() {
  const connections = useStore((s) => s.connections);
  const now = useNow();
  const ctx = useMemo(() => ({ now }), [now]);
  const rows = useMemo(() => [...connections.values()], [connections]);
  return (
    <VirtualTable
      label="Connections"
      rows={rows}
      columns={columns}
      rowKey={(c) => c.id}
      ctx={ctx}
      empty="No connections configured."
      rowHeight={26}
    />
  );
}

/** The compact status-bar pill: state colour, state word, RTT. */
export function ConnectionPills() {
  const connections = useStore((s) => s.connections);
  return (
    <div className="pills" role="list" aria-label="Connection status">
      {[...connections.values()].map((c) => (
        <div
          key={c.id}
          role="listitem"
          className={`pill tone-${stateTone(c.state)}`}
          data-connection={c.id}
          data-state={c.state}
          title={`${c.label} (${c.kind}): ${c.state}${c.lastError ? ` — ${c.lastError}` : ''}`}
        >
          <span className="dot" aria-hidden="true" />
          <span className="pill-label">{c.label}</span>
          <span className="pill-state">{c.state}</span>
          {inProcess(c) ? (
            <InProcess className="pill-rtt" />
          ) : (
            <span className="num pill-rtt">{formatMs(c.rttMs)}</span>
          )}
        </div>
      ))}
    </div>
  );
}
