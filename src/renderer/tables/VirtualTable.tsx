/**
 * A virtualized, ARIA-table grid: only visible rows are mounted (@tanstack/react-virtual), columns
 * have fixed widths through one CSS grid template (no table auto-layout reflow when a streaming
 * cell changes width), and rows are memoized so an unchanged entity does not re-render.
 */
import { memo, useState, type ReactNode } from 'react';
import { useRowWindow } from './useRowWindow';

export interface Column<T> {
  id: string;
  header: string;
  /** Header tooltip: what the column means when its name alone could mislead. */
  title?: string;
  /** CSS grid track, e.g. "72px" or "minmax(80px, 1fr)". */
  width: string;
  align?: 'left' | 'right' | 'center';
  cell(row: T, ctx: RowContext): ReactNode;
}

/** Per-render context every row sees (wall clock for ages); rows re-render when it changes. */
export interface RowContext {
  now: number;
}

interface Props<T> {
  label: string;
  rows: readonly T[];
  columns: readonly Column<T>[];
  rowKey(row: T): string;
  rowClass?(row: T, ctx: RowContext): string;
  ctx: RowContext;
  empty: string;
  rowHeight?: number;
}

interface RowProps<T> {
  row: T;
  rowKey: string;
  columns: readonly Column<T>[];
  template: string;
  top: number;
  height: number;
  index: number;
  className: string;
  ctx: RowContext;
}

function RowView<T>({ row, rowKey, columns, template, top, height, index, className, ctx }: RowProps<T>) {
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      data-key={rowKey}
      className={`vt-row ${className}`}
      style={{ gridTemplateColumns: template, transform: `translateY(${top}px)`, height }}
    >
      {columns.map((c) => (
        <div role="cell" key={c.id} className={`vt-cell ${c.align ?? 'left'}`}>
          {c.cell(row, ctx)}
        </div>
      ))}
    </div>
  );
}

const Row = memo(RowView) as typeof RowView;

export function VirtualTable<T>({
  label,
  rows,
  columns,
  rowKey,
  rowClass,
  ctx,
  empty,
  rowHeight = 22,
}: Props<T>) {
  const [scrollEl, setScrollEl] = useState<HTMLDivElement | null>(null);
  const template = columns.map((c) => c.width).join(' ');
  const { items, totalSize } = useRowWindow(rows.length, rowHeight, scrollEl);
  return (
    <div role="table" aria-label={label} aria-rowcount={rows.length + 1} className="vt">
      <div role="rowgroup" className="vt-head">
        <div
          role="row"
          aria-rowindex={1}
          className="vt-row vt-header"
          style={{ gridTemplateColumns: template }}
        >
          {columns.map((c) => (
            <div role="columnheader" key={c.id} className={`vt-cell ${c.align ?? 'left'}`} title={c.title}>
              {c.header}
            </div>
          ))}
        </div>
      </div>
      <div ref={setScrollEl} className="vt-scroll">
        {rows.length === 0 ? (
          <div className="vt-empty">{empty}</div>
        ) : (
          <div role="rowgroup" className="vt-body" style={{ height: totalSize }}>
            {items.map((item) => {
              const row = rows[item.index] as T;
              const key = rowKey(row);
              return (
                <Row
                  key={key}
                  rowKey={key}
                  row={row}
                  columns={columns}
                  template={template}
                  top={item.start}
                  height={rowHeight}
                  index={item.index}
                  className={rowClass?.(row, ctx) ?? ''}
                  ctx={ctx}
                />
              );
            })}
          </div>
        )}
      </div>
    </div>
  );
}
