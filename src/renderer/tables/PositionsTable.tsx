/** Open positions with live P&L, dimmed by the age of their mark. */
import { useMemo } from 'react';
import type { Order, Position } from '../../shared/domain';
import { accountKey, instrumentKey, quoteKey } from '../../shared/keys';
import { READ_ONLY_TEXT } from '../connections/trading';
import { freshness } from '../state/clock';
import { useNow, useStore, useTerminal } from '../state/context';
import { formatPct, formatPnl, formatSignedQty, signClass } from '../format';
import { useUi } from '../layout/dialogs';
import { AccountCell, PriceCell, useReadOnly } from './cells';
import './costPartial.css';
import { MARK_LEGEND, markTitle } from './mark';
import { VirtualTable, type Column, type RowContext } from './VirtualTable';

function pnlPct(p: Position): number | null {
  const basis = Math.abs(p.qty) * p.avgPrice * p.multiplier;
  return basis > 0 ? (p.unrealizedPnl / basis) * 100 : null;
}

type PositionAction = 'close' | 'flatten';

const actionText: Record<PositionAction, { label: string; verb: string; title(symbol: string): string }> = {
  close: {
    label: 'Close',
    verb: 'Closing',
    title: (s) =>
      `Close ${s}: one market order for the opposite quantity. Resting orders on ${s} (stops, targets, limits) stay working and can re-open a position — use Flatten to cancel them too.`,
  },
  flatten: {
    label: 'Flatten',
    verb: 'Flattening',
    title: (s) =>
      `Flatten ${s}: cancel every working order on ${s} in this account, then close the position, so nothing can re-open it.`,
  },
};

/** "1 order cancelled, 1 order sent": what a close or flatten did, in the trader's words. */
function describeOrders(orders: readonly Order[]): string {
  const cancelled = orders.filter((o) => o.status === 'cancelled').length;
  const sent = orders.length - cancelled;
  const n = (k: number, what: string) => `${k} order${k === 1 ? '' : 's'} ${what}`;
  return cancelled > 0 ? `${n(cancelled, 'cancelled')}, ${n(sent, 'sent')}` : n(sent, 'sent');
}

function PositionButton({ position, action }: { position: Position; action: PositionAction }) {
  const { api } = useTerminal();
  const ui = useUi();
  const verified = useStore(
    (s) => s.accounts.get(accountKey(position.connectionId, position.accountId))?.verified,
  );
  const readOnly = useReadOnly(position.connectionId);
  const text = actionText[action];
  const onClick = async () => {
    if (verified !== true) {
      const what =
        action === 'flatten'
          ? 'Cancel its working orders on this symbol and send a closing order anyway?'
          : 'Send a closing order anyway?';
      const ok = await ui.confirm(
        `${text.label} ${position.symbol}?`,
        `Account ${position.accountId} is UNVERIFIED: the terminal has not reconciled it with the broker since the last reconnect, so this position (${formatSignedQty(position.qty)}) may not be current. ${what}`,
        action === 'flatten' ? 'Flatten position' : 'Close position',
      );
      if (!ok) return;
    }
    const request = {
      connectionId: position.connectionId,
      accountId: position.accountId,
      symbol: position.symbol,
    };
    try {
      const res = await (action === 'flatten'
        ? api.positions.flatten(request)
        : api.positions.close(request));
      if (!res.ok) ui.notify('error', `${text.label} ${position.symbol} rejected: ${res.error.message}`);
      else ui.notify('info', `${text.verb} ${position.symbol}: ${describeOrders(res.value)}.`);
    } catch (e) {
      ui.notify(
        'error',
        `${text.label} ${position.symbol} failed: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  };
  return (
    <button
      type="button"
      className={`row-btn ${action === 'flatten' ? 'row-btn-strong' : ''}`}
      onClick={() => void onClick()}
      disabled={readOnly}
      aria-label={text.label}
      title={readOnly ? READ_ONLY_TEXT : text.title(position.symbol)}
    >
      {text.label}
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

/** The mark at the listing's precision; the tooltip gives the exact value and its source. */
function MarkCell({ p }: { p: Position }) {
  const quote = useStore((s) => s.quotes.get(quoteKey(p.connectionId, p.symbol)));
  const precision = useStore(
    (s) => s.instruments.get(instrumentKey(p.connectionId, p.symbol))?.pricePrecision,
  );
  return (
    <span title={markTitle(p, quote, precision)}>
      <PriceCell connectionId={p.connectionId} symbol={p.symbol} value={p.last} />
    </span>
  );
}

function Actions({ p }: { p: Position }) {
  return (
    <span className="row-actions">
      <PositionButton position={p} action="close" />
      <PositionButton position={p} action="flatten" />
    </span>
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
    // Quantities can be fractional (crypto): colour by the sign at full precision.
    cell: (p) => <span className={`num ${signClass(p.qty, 8)}`}>{formatSignedQty(p.qty)}</span>,
  },
  {
    id: 'avg',
    header: 'Avg',
    width: '100px',
    align: 'right',
    cell: (p) => (
      <>
        {p.costPartial === true ? (
          <span
            className="cost-partial"
            title="Average cost of the part the broker's trade history explains: the rest of this balance was deposited or predates the history, so its cost is unknown."
          >
            partial cost
          </span>
        ) : null}
        <PriceCell connectionId={p.connectionId} symbol={p.symbol} value={p.avgPrice} />
      </>
    ),
  },
  {
    id: 'mark',
    header: 'Mark',
    title: MARK_LEGEND,
    width: '120px',
    align: 'right',
    cell: (p, ctx) => (
      <Marked p={p} ctx={ctx}>
        <MarkCell p={p} />
      </Marked>
    ),
  },
  {
    id: 'upnl',
    header: 'Unrealized',
    title: 'Open P&L: quantity × (mark − average price) × contract multiplier.',
    width: '110px',
    align: 'right',
    cell: (p, ctx) => (
      <span className={`num ${signClass(p.unrealizedPnl)} mark-${freshness(p.markedAt, ctx.now)}`}>
        {formatPnl(p.unrealizedPnl, p.currency)}
      </span>
    ),
  },
  {
    id: 'rpnl',
    header: 'Realized',
    title: 'Closed P&L today, before fees.',
    width: '110px',
    align: 'right',
    cell: (p) => (
      <span className={`num ${signClass(p.realizedPnl)}`}>{formatPnl(p.realizedPnl, p.currency)}</span>
    ),
  },
  {
    id: 'fees',
    header: 'Fees',
    title: 'Commissions and fees paid today on this position. Day P&L = Realized − Fees + Unrealized.',
    width: '90px',
    align: 'right',
    cell: (p) => <span className="num dim">{formatPnl(-p.fees, p.currency)}</span>,
  },
  {
    id: 'pct',
    header: 'P&L %',
    title: 'Unrealized P&L as a percentage of the position’s cost (quantity × average × multiplier).',
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
    id: 'actions',
    header: 'Action',
    width: '130px',
    align: 'center',
    cell: (p) => <Actions p={p} />,
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
