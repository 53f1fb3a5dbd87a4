/**
 * Orders as Working, Done, Rejected (kept with the reason and time) or All, newest first, with Edit (modify price and quantity) and
 * Cancel per working order. Orders are always named by connection and id: two brokers may both
 * have order 42. An order whose call went unanswered shows as unknown until the broker says.
 */
import { useMemo, useState } from 'react';
import type { Order } from '../../shared/domain';
import { isOrderDone } from '../../shared/domain';
import { READ_ONLY_TEXT } from '../connections/trading';
import { useStore, useTerminal } from '../state/context';
import { orderKey } from '../../shared/keys';
import { formatTime } from '../format';
import { useUi } from '../layout/dialogs';
import {
  heldByText,
  heldByTitle,
  orderStatusText,
  orderTypeText,
  protectionText,
  trailText,
  UNKNOWN_TEXT,
} from '../orders/words';
import { ModifyButton } from '../orders/ModifyOrder';
import { newRequestKey } from '../orders/keys';
import { AccountCell, PriceCell, QtyCell, SideCell, useReadOnly } from './cells';
import { VirtualTable, type Column } from './VirtualTable';
import './orders.css';

function CancelButton({ order }: { order: Order }) {
  const { api } = useTerminal();
  const ui = useUi();
  const readOnly = useReadOnly(order.connectionId);
  const waiting = order.placeholder === true || order.pendingAction !== undefined;
  const onClick = async () => {
    try {
      const res = await api.orders.cancel({
        connectionId: order.connectionId,
        orderId: order.id,
        idempotencyKey: newRequestKey(),
      });
      if (!res.ok) ui.notify('error', `Cancel ${order.symbol} rejected: ${res.error.message}`);
    } catch (e) {
      ui.notify('error', `Cancel ${order.symbol} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  return (
    <button
      type="button"
      className="row-btn"
      onClick={() => void onClick()}
      disabled={readOnly || waiting}
      aria-label="Cancel"
      title={
        readOnly
          ? READ_ONLY_TEXT
          : waiting
            ? 'Waiting for the broker to answer an earlier request on this order.'
            : `Cancel order ${order.id}`
      }
    >
      Cancel
    </button>
  );
}

/**
 * The order's part in an OCO or bracket (legs of one list sit together, the first marked with the
 * list's id), and a trailing stop's live stop and peak.
 */
function ProtectionCell({ order: o }: { order: Order }) {
  const text = protectionText(o);
  if (text === null) return null;
  const t = o.trail;
  return (
    <span className="protection" title={o.list ? `List ${o.list.id}` : undefined}>
      <span className={`list-tag list-${o.list?.type ?? 'trail'}`}>{text}</span>
      {t !== undefined ? (
        <span className="trail-state num">
          {' '}
          {trailText(t)}
          {t.peak !== null ? (
            <>
              {' · peak '}
              <PriceCell connectionId={o.connectionId} symbol={o.symbol} value={t.peak} />
            </>
          ) : (
            ' · not active yet'
          )}
        </span>
      ) : null}
    </span>
  );
}

type OrderView = 'working' | 'done' | 'rejected' | 'all';

const roleOrder = { entry: 0, target: 1, stop: 2, leg: 3 } as const;

/**
 * Newest first, but the orders of one OCO or bracket stay together (entry, target, stop), under
 * the newest of them, so a trader reads a bracket as one thing.
 */
export function groupByList(orders: Order[]): Order[] {
  const latest = new Map<string, number>();
  const group = (o: Order) => o.list?.id ?? `${o.connectionId}:${o.id}`;
  for (const o of orders) latest.set(group(o), Math.max(latest.get(group(o)) ?? 0, o.createdAt));
  return orders.sort(
    (a, b) =>
      (latest.get(group(b)) ?? 0) - (latest.get(group(a)) ?? 0) ||
      group(a).localeCompare(group(b)) ||
      roleOrder[a.list?.role ?? 'leg'] - roleOrder[b.list?.role ?? 'leg'] ||
      b.createdAt - a.createdAt,
  );
}

const baseColumns: Column<Order>[] = [
  {
    id: 'time',
    header: 'Time',
    width: '74px',
    cell: (o) => <span className="num">{formatTime(o.createdAt)}</span>,
  },
  { id: 'symbol', header: 'Symbol', width: '84px', cell: (o) => <strong>{o.symbol}</strong> },
  {
    id: 'account',
    header: 'Account',
    width: '180px',
    cell: (o) => <AccountCell connectionId={o.connectionId} accountId={o.accountId} />,
  },
  { id: 'side', header: 'Side', width: '48px', cell: (o) => <SideCell side={o.side} /> },
  {
    id: 'type',
    header: 'Type',
    width: '96px',
    cell: (o) => (o.trail !== undefined ? orderTypeText.trailing_stop : orderTypeText[o.type]),
  },
  { id: 'protection', header: 'Protection', width: '230px', cell: (o) => <ProtectionCell order={o} /> },
  {
    id: 'qty',
    header: 'Qty',
    width: '64px',
    align: 'right',
    cell: (o) => <QtyCell connectionId={o.connectionId} symbol={o.symbol} value={o.qty} />,
  },
  {
    id: 'filled',
    header: 'Filled',
    width: '64px',
    align: 'right',
    cell: (o) => <QtyCell connectionId={o.connectionId} symbol={o.symbol} value={o.filledQty} />,
  },
  {
    id: 'limit',
    header: 'Limit',
    width: '96px',
    align: 'right',
    cell: (o) => <PriceCell connectionId={o.connectionId} symbol={o.symbol} value={o.limitPrice} />,
  },
  {
    id: 'stop',
    header: 'Stop',
    width: '96px',
    align: 'right',
    cell: (o) => <PriceCell connectionId={o.connectionId} symbol={o.symbol} value={o.stopPrice} />,
  },
  {
    id: 'status',
    header: 'Status',
    width: '170px',
    cell: (o) => (
      <span
        className={`status status-${o.status}${o.pendingAction ? ' status-pending-action' : ''}`}
        title={o.status === 'unknown' ? UNKNOWN_TEXT : (o.rejectReason ?? undefined)}
      >
        {orderStatusText(o)}
        {o.rejectReason ? <span className="reason"> · {o.rejectReason}</span> : null}
      </span>
    ),
  },
  {
    id: 'held',
    header: 'Held by',
    width: '84px',
    cell: (o) => (
      <span className={`managed managed-${o.heldBy}`} title={heldByTitle[o.heldBy]}>
        {heldByText[o.heldBy]}
      </span>
    ),
  },
];

const workingColumns: Column<Order>[] = [
  ...baseColumns,
  {
    id: 'actions',
    header: 'Action',
    width: '120px',
    align: 'center',
    cell: (o) => (
      <span className="row-actions">
        <ModifyButton order={o} />
        <CancelButton order={o} />
      </span>
    ),
  },
];
/** An average of fills: never rounded to the tick. */
const avgFillColumn: Column<Order> = {
  id: 'avg',
  header: 'Avg fill',
  width: '96px',
  align: 'right',
  cell: (o) => <PriceCell connectionId={o.connectionId} symbol={o.symbol} value={o.avgFillPrice} average />,
};
const doneColumns: Column<Order>[] = [...baseColumns, avgFillColumn];

/**
 * Rejected rows: what was refused and why. Fill and protection columns say nothing here, so the
 * reason gets their room and wraps onto a second line instead of being cut off.
 */
const rejectedColumns: Column<Order>[] = [
  ...baseColumns.filter((c) => c.id !== 'protection' && c.id !== 'filled' && c.id !== 'status'),
  {
    id: 'reason',
    header: 'Reason',
    width: 'minmax(240px, 1fr)',
    cell: (o) => (
      <span className="reject-reason" title={o.rejectReason ?? undefined}>
        {o.rejectReason ?? 'Rejected by the broker.'}
      </span>
    ),
  },
];

/** Working rows keep their actions; finished rows show their average fill instead. */
const allColumns: Column<Order>[] = [
  ...baseColumns,
  avgFillColumn,
  {
    id: 'actions',
    header: 'Action',
    width: '120px',
    align: 'center',
    cell: (o) =>
      isOrderDone(o.status) ? null : (
        <span className="row-actions">
          <ModifyButton order={o} />
          <CancelButton order={o} />
        </span>
      ),
  },
];

const columnsOf: Record<OrderView, Column<Order>[]> = {
  working: workingColumns,
  done: doneColumns,
  rejected: rejectedColumns,
  all: allColumns,
};

const noClock = { now: 0 };

/** The history filters: what is live, what finished, what was refused (with why), everything. */
const views: { id: OrderView; label: string; table: string; empty: string }[] = [
  { id: 'working', label: 'Working', table: 'Working orders', empty: 'No working orders.' },
  { id: 'done', label: 'Done', table: 'Done orders', empty: 'No finished orders yet.' },
  {
    id: 'rejected',
    label: 'Rejected',
    table: 'Rejected orders',
    empty: 'No rejected orders: orders the broker or the risk limits refuse are kept here with the reason.',
  },
  { id: 'all', label: 'All', table: 'All orders', empty: 'No orders yet.' },
];

export function OrdersTable() {
  const orders = useStore((s) => s.orders);
  const [view, setView] = useState<OrderView>('working');
  const rows = useMemo(() => {
    const w: Order[] = [];
    const d: Order[] = [];
    for (const o of orders.values()) (isOrderDone(o.status) ? d : w).push(o);
    groupByList(w);
    d.sort((a, b) => b.updatedAt - a.updatedAt);
    return {
      working: w,
      done: d,
      rejected: d.filter((o) => o.status === 'rejected'),
      all: [...w, ...d],
    } satisfies Record<OrderView, Order[]>;
  }, [orders]);
  const current = views.find((v) => v.id === view) ?? views[0];
  return (
    <div className="orders">
      <div className="subtabs" role="group" aria-label="Order view">
        {views.map((v) => (
          <button
            key={v.id}
            type="button"
            aria-pressed={view === v.id}
            className={view === v.id ? 'active' : ''}
            onClick={() => setView(v.id)}
          >
            {v.label}{' '}
            <span aria-hidden="true" className="count">
              {rows[v.id].length}
            </span>
          </button>
        ))}
      </div>
      {current !== undefined ? (
        <VirtualTable
          key={current.id}
          label={current.table}
          rows={rows[current.id]}
          columns={columnsOf[current.id]}
          rowKey={(o) => orderKey(o.connectionId, o.id)}
          ctx={noClock}
          empty={current.empty}
          rowHeight={current.id === 'rejected' ? 34 : undefined}
        />
      ) : null}
    </div>
  );
}
