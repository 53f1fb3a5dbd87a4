/** Open positions with live P&L, dimmed by the age of their mark. */
import { useMemo } from 'react';
import type { Position } from '../../shared/domain';
import { formatMoney } from '../../shared/money';
import { freshness } from '../state/clock';
import { accountKey } from '../state/store';
import { useNow, useStore, useTerminal } from '../state/context';
import { formatPct, formatSignedQty, signClass } from '../format';
import { useUi } from '../layout/dialogs';
import { AccountCell, PriceCell } from './cells';
import { VirtualTable, type Column, type RowContext } from './VirtualTable';

function pnlPct(p: Position): number | null {
  const basis = Math.abs(p.qty) * p.avgPrice * p.multiplier;
  return basis > 0 ? (p.unrealizedPnl / basis) * 100 : null;
}

function CloseButton({ position }: { position: Position }) {
  const { api } = useTerminal();
  const ui = useUi();
  const verified = useStore(
    (s) => s.accounts.get(accountKey(position.connectionId, position.accountId))?.verified,
  );
  const onClick = async () => {
    if (verified !== true) {
      const ok = await ui.confirm(
        `Close ${position.symbol}?`,
        `Account ${position.accountId} is UNVERIFIED: the terminal has not reconciled it with the broker since the last reconnect, so this position (${formatSignedQty(position.qty)}) may not be current. Send a closing order anyway?`,
        'Close position',
      );
      if (!ok) return;
    }
    try {
      const res = await api.positions.close({
        connectionId: position.connectionId,
        accountId: position.accountId,
        symbol: position.symbol,
      });
      if (!res.ok) ui.notify('error', `Close ${position.symbol} rejected: ${res.error.message}`);
      else ui.notify('info', `Closing ${position.symbol}: ${res.value.length} order(s) sent.`);
    } catch (e) {
      ui.notify('error', `Close ${position.symbol} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  return (
    <button
      type="button"
      className="row-btn"
      onClick={() => void onClick()}
      aria-label="Close"
      title={`Close ${position.symbol}`}
    >
      Close
    </button>
  );
}

function Marked({ p, ctx, children }: { p: Position; ctx: RowContext; children: React.ReactNode }) {
  const f = freshness(p.markedAt, ctx.now);
  // The tag sits outside the dimmed span so the warning itself stays bright.
  return (
    <>
      <span className={`mark-${f}`}>{children}</span>
      {f === 'stale' ? <span className="tag stale-tag">stale</span> : null}
    </>
  );
}

const columns: Column<Position>[] = [
  { id: 'symbol', header: 'Symbol', width: '90px', cell: (p) => <strong>{p.symbol}</strong> },
  {
    id: 'account',
    header: 'Account',
    width: '210px',
    cell: (p) => <AccountCell connectionId={p.connectionId} accountId={p.accountId} />,
  },
  {
    id: 'qty',
    header: 'Qty',
    width: '70px',
    align: 'right',
    cell: (p) => <span className={`num ${signClass(p.qty)}`}>{formatSignedQty(p.qty)}</span>,
  },
  {
    id: 'avg',
    header: 'Avg',
    width: '100px',
    align: 'right',
    cell: (p) => <PriceCell symbol={p.symbol} value={p.avgPrice} />,
  },
  {
    id: 'last',
    header: 'Last',
    width: '120px',
    align: 'right',
    cell: (p, ctx) => (
      <Marked p={p} ctx={ctx}>
        <PriceCell symbol={p.symbol} value={p.last} />
      </Marked>
    ),
  },
  {
    id: 'upnl',
    header: 'Unrealized',
    width: '110px',
    align: 'right',
    cell: (p, ctx) => (
      <span className={`num ${signClass(p.unrealizedPnl)} mark-${freshness(p.markedAt, ctx.now)}`}>
        {formatMoney(p.unrealizedPnl, p.currency)}
      </span>
    ),
  },
  {
    id: 'rpnl',
    header: 'Realized',
    width: '110px',
    align: 'right',
    cell: (p) => (
      <span className={`num ${signClass(p.realizedPnl)}`}>{formatMoney(p.realizedPnl, p.currency)}</span>
    ),
  },
  {
    id: 'pct',
    header: 'P&L %',
    width: '80px',
    align: 'right',
    cell: (p, ctx) => {
      const v = pnlPct(p);
      return (
        <span className={`num ${signClass(v)} mark-${freshness(p.markedAt, ctx.now)}`}>{formatPct(v)}</span>
      );
    },
  },
  {
    id: 'close',
    header: 'Action',
    width: '70px',
    align: 'center',
    cell: (p) => <CloseButton position={p} />,
  },
];

export function PositionsTable() {
  const positions = useStore((s) => s.positions);
  const now = useNow();
  const ctx = useMemo(() => ({ now }), [now]);
  const rows = useMemo(
    () => [...positions.values()].filter((p) => p.qty !== 0).sort((a, b) => a.symbol.localeCompare(b.symbol)),
    [positions],
  );
  return (
    <VirtualTable
      label="Positions"
      rows={rows}
      columns={columns}
      rowKey={(p) => p.key}
      ctx={ctx}
      empty="No open positions."
    />
  );
}
