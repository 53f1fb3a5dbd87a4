/**
 * Executions, newest first (the store keeps a bounded window). A fill the engine reconciled from
 * the broker's order snapshot is tagged until the broker's own executions replace it.
 */
import { useMemo } from 'react';
import type { Fill } from '../../shared/domain';
import { useStore } from '../state/context';
import { fillKey } from '../../shared/keys';
import { formatTime } from '../format';
import { AccountCell, ListingMoneyCell, PriceCell, QtyCell, SideCell } from './cells';
import { VirtualTable, type Column } from './VirtualTable';

const columns: Column<Fill>[] = [
  { id: 'time', header: 'Time', width: '80px', cell: (f) => <span className="num">{formatTime(f.ts)}</span> },
  {
    id: 'symbol',
    header: 'Symbol',
    width: '150px',
    cell: (f) => (
      <>
        <strong>{f.symbol}</strong>
        {f.synthetic === true ? (
          <span
            className="tag reconciled-tag"
            title="Reconciled from the broker's order after a reconnect: the broker has not delivered this execution yet, so its price is the order's implied average and its fee is unknown."
          >
            reconciled
          </span>
        ) : null}
      </>
    ),
  },
  {
    id: 'account',
    header: 'Account',
    width: '180px',
    cell: (f) => <AccountCell connectionId={f.connectionId} accountId={f.accountId} />,
  },
  { id: 'side', header: 'Side', width: '56px', cell: (f) => <SideCell side={f.side} /> },
  {
    id: 'qty',
    header: 'Qty',
    width: '80px',
    align: 'right',
    cell: (f) => <QtyCell connectionId={f.connectionId} symbol={f.symbol} value={f.qty} />,
  },
  {
    id: 'price',
    header: 'Price',
    width: '110px',
    align: 'right',
    cell: (f) => <PriceCell connectionId={f.connectionId} symbol={f.symbol} value={f.price} />,
  },
  {
    id: 'fee',
    header: 'Fee',
    width: '90px',
    align: 'right',
    cell: (f) => <ListingMoneyCell connectionId={f.connectionId} symbol={f.symbol} value={-f.commission} />,
  },
  { id: 'order', header: 'Order', width: '220px', cell: (f) => <span className="dim">{f.orderId}</span> },
];

const noClock = { now: 0 };

export function FillsTable() {
  const fills = useStore((s) => s.fills);
  const rows = useMemo(() => [...fills.values()].reverse(), [fills]);
  return (
    <VirtualTable
      label="Fills"
      rows={rows}
      columns={columns}
      rowKey={(f) => fillKey(f.connectionId, f.id)}
      ctx={noClock}
      empty="No fills yet."
    />
  );
}
