/** Open positions with live P&L, dimmed by the age of their mark. */
import { useMemo, useState } from 'react';
import type { Order, Position } from '../../shared/domain';
import { accountKey, instrumentKey, quoteKey } from '../../shared/keys';
import { READ_ONLY_TEXT } from '../connections/trading';
import { freshness } from '../state/clock';
import { useNow, useStore, useTerminal } from '../state/context';
import {
  decimalsOf,
  formatAverage,
  formatMid,
  formatNumber,
  formatPrice,
  moveInTicks,
} from '../../shared/money';
import { formatPct, formatPnl, formatSignedQty, formatTicks, showsTicks, signClass } from '../format';
import { useUi } from '../layout/dialogs';
import { AccountCell, useReadOnly } from './cells';
import { CloseDialog } from './CloseDialog';
import { closeOutcomeText, workingOn } from './closeText';
import './costPartial.css';
import { MARK_LEGEND, markTitle } from './mark';
import './figures.css';
import { VirtualTable, type Column, type RowContext } from './VirtualTable';

function pnlPct(p: Position): number | null {
  const basis = Math.abs(p.qty) * p.avgPrice * p.multiplier;
  return basis > 0 ? (p.unrealizedPnl / basis) * 100 : null;
}

type PositionAction = 'close' | 'flatten';

const actionText: Record<PositionAction, { label: string; title(symbol: string): string }> = {
  close: {
    label: 'Close',
    title: (s) =>
      `Close ${s}: one market order for the opposite quantity. When orders are working on ${s} (stops, targets, limits) it offers to cancel them in the same action.`,
  },
  flatten: {
    label: 'Flatten',
    title: (s) =>
      `Flatten ${s}: cancel every working order on ${s} in this account, then close the position, so nothing can re-open it.`,
  },
};

function PositionButton({ position, action }: { position: Position; action: PositionAction }) {
  const { api, store } = useTerminal();
  const ui = useUi();
  const verified = useStore(
    (s) => s.accounts.get(accountKey(position.connectionId, position.accountId))?.verified,
  );
  const readOnly = useReadOnly(position.connectionId);
  const [asking, setAsking] = useState<{
    working: Order[];
    resolve(choice: { cancelWorking: boolean } | null): void;
  } | null>(null);
  const text = actionText[action];
  const price = (o: Order, value: number): string =>
    formatPrice(value, store.getState().instruments.get(instrumentKey(o.connectionId, o.symbol)));
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
    // Close offers to cancel the symbol's working orders in the same action (ticked by default).
    let cancelWorking = false;
    if (action === 'close') {
      const working = workingOn(store.getState().orders.values(), position);
      if (working.length > 0) {
        const choice = await new Promise<{ cancelWorking: boolean } | null>((resolve) =>
          setAsking({ working, resolve }),
        );
        setAsking(null);
        if (choice === null) return;
        cancelWorking = choice.cancelWorking;
      }
    }
    try {
      const res = await (action === 'flatten'
        ? api.positions.flatten(request)
        : api.positions.close(cancelWorking ? { ...request, cancelWorking } : request));
      if (!res.ok) ui.notify('error', `${text.label} ${position.symbol} rejected: ${res.error.message}`);
      else {
        const left = workingOn(store.getState().orders.values(), position);
        ui.notify('info', closeOutcomeText(position.symbol, res.value, left, price));
      }
    } catch (e) {
      ui.notify(
        'error',
        `${text.label} ${position.symbol} failed: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  };
  return (
    <>
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
      {asking !== null ? (
        <CloseDialog position={position} working={asking.working} price={price} answer={asking.resolve} />
      ) : null}
    </>
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

/**
 * The mark on the listing's tick; a mid between two ticks is shown exactly (half-tick) and
 * labelled "mid". The tooltip gives the exact value and its source. A mid on a tick keeps the
 * half-tick's extra slot as a figure space, so the decimal point does not jump as the spread moves.
 */
function MarkCell({ p }: { p: Position }) {
  const quote = useStore((s) => s.quotes.get(quoteKey(p.connectionId, p.symbol)));
  const instrument = useStore((s) => s.instruments.get(instrumentKey(p.connectionId, p.symbol)));
  const title = markTitle(p, quote, instrument);
  if (p.markSource !== 'mid' || p.last === null || instrument === undefined)
    return (
      <span className="num" title={title}>
        {formatPrice(p.last, instrument)}
      </span>
    );
  const mid = formatMid(p.last, instrument);
  return (
    <span title={title} data-mark="mid" data-off-tick={mid.offTick}>
      <span className="num">
        {mid.text}
        {mid.offTick ? '' : '\u2007'}
      </span>
      <span className="mid-tag">mid</span>
    </span>
  );
}

/** A position's quantity at its listing's step, signed and coloured. */
function QtyCell({ p }: { p: Position }) {
  const step = useStore((s) => s.instruments.get(instrumentKey(p.connectionId, p.symbol))?.qtyStep);
  return <span className={`num ${signClass(p.qty, 8)}`}>{formatSignedQty(p.qty, step)}</span>;
}

/** The average price on the listing's tick (an average of fills may fall between ticks). */
function AvgCell({ p }: { p: Position }) {
  const instrument = useStore((s) => s.instruments.get(instrumentKey(p.connectionId, p.symbol)));
  return (
    <>
      {p.costPartial === true ? (
        <span
          className="cost-partial"
          title="Average cost of the part the broker's trade history explains: the rest of this balance was deposited or predates the history, so its cost is unknown."
        >
          partial cost
        </span>
      ) : null}
      <span className="num" title={`Average ${String(Number(p.avgPrice.toFixed(10)))}`}>
        {formatAverage(p.avgPrice, instrument)}
      </span>
    </>
  );
}

/**
 * Open P&L in ticks per contract for instruments that have a tick value (futures): what a
 * futures trader counts in. Points and the tick's value are in the tooltip.
 */
function TicksCell({ p, ctx }: { p: Position; ctx: RowContext }) {
  const instrument = useStore((s) => s.instruments.get(instrumentKey(p.connectionId, p.symbol)));
  if (instrument === undefined || !showsTicks(instrument) || p.last === null)
    return (
      <span
        className={`dim mark-${freshness(p.markedAt, ctx.now)}`}
        title="Ticks are shown for futures, which have a tick value."
      >
        —
      </span>
    );
  const ticks = moveInTicks(p.avgPrice, p.last, p.qty >= 0 ? 'long' : 'short', instrument.tickSize);
  const points = ticks * instrument.tickSize;
  const tickValue = instrument.tickSize * instrument.multiplier;
  return (
    <span
      className={`num ${signClass(ticks, 1)} mark-${freshness(p.markedAt, ctx.now)}`}
      title={`${formatTicks(ticks)} ticks = ${points > 0 ? '+' : ''}${formatNumber(points, decimalsOf(instrument.tickSize))} points per contract · one tick is worth ${formatPnl(tickValue, instrument.currency).replace(/^\+/, '')} per contract`}
    >
      {formatTicks(ticks)}
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
    width: '180px',
    cell: (p) => <AccountCell connectionId={p.connectionId} accountId={p.accountId} />,
  },
  {
    id: 'qty',
    header: 'Qty',
    width: '70px',
    align: 'right',
    // Quantities can be fractional (crypto): colour by the sign at full precision.
    cell: (p) => <QtyCell p={p} />,
  },
  {
    id: 'avg',
    header: 'Avg',
    width: '100px',
    align: 'right',
    cell: (p) => <AvgCell p={p} />,
  },
  {
    id: 'mark',
    header: 'Mark',
    title: MARK_LEGEND,
    width: '112px',
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
    width: '100px',
    align: 'right',
    cell: (p, ctx) => (
      <span className={`num ${signClass(p.unrealizedPnl)} mark-${freshness(p.markedAt, ctx.now)}`}>
        {formatPnl(p.unrealizedPnl, p.currency)}
      </span>
    ),
  },
  {
    id: 'ticks',
    header: 'Ticks',
    title:
      'Open P&L in ticks per contract ((mark − average) ÷ tick size, in the position’s direction), for futures.',
    width: '56px',
    align: 'right',
    cell: (p, ctx) => <TicksCell p={p} ctx={ctx} />,
  },
  {
    id: 'rpnl',
    header: 'Realized',
    title: 'Closed P&L today, before fees.',
    width: '100px',
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
