/**
 * What the chart draws for the trader's own book: one line per working order (a stop-limit is
 * ONE line at its trigger, labelled with both prices, and drags as one order), and the position
 * line with its quantity and open P&L.
 */
import type { Instrument, Order, Position } from '../../shared/domain';
import { isOrderDone } from '../../shared/domain';
import { formatPnl, showsTicks } from '../format';
import { chartTag, heldByText } from '../orders/words';
import { roundToStep } from '../../shared/money';
import { formatAverage, formatPrice, formatQuantity } from '../../shared/money';

export interface LineDrag {
  connectionId: string;
  orderId: string;
  field: 'limitPrice' | 'stopPrice';
  /** A stop-limit's limit moves with its stop, keeping the same distance. */
  companion?: { field: 'limitPrice'; offset: number };
}

export interface PriceLineSpec {
  /** Stable identity (order id + leg, or position key) so unchanged lines are not redrawn. */
  key: string;
  price: number;
  /** Drawn on the line (the axis label next to it shows the price). */
  title: string;
  /** The whole order in words with its price(s): the edge marker when the line is off-screen. */
  label: string;
  color: string;
  dashed?: boolean;
  /** Other prices this line stands for (a stop-limit's limit), for e2e and the edge marker. */
  alsoPrices?: number[];
  /** A working order's price the trader may drag (modify); absent for positions. */
  drag?: LineDrag;
}

/** Protective roles get their own colours: a target reads as profit, a stop as risk. */
const roleColor = { target: '#26a69a', stop: '#ef5350', trail: '#f0b429' } as const;

function orderColor(o: Order): string {
  if (o.trail !== undefined) return roleColor.trail;
  if (o.list?.role === 'target') return roleColor.target;
  if (o.list?.role === 'stop') return roleColor.stop;
  return o.side === 'buy' ? '#3fb68b' : '#ff5b5a';
}

/** Open P&L in ticks, when the position has a mark: "+12 ticks". */
function ticksText(p: Position, inst: Instrument): string {
  if (p.last === null || !showsTicks(inst)) return '';
  // A mid-based mark can sit between ticks: one decimal then, never float noise.
  const ticks = Math.round((((p.last - p.avgPrice) * Math.sign(p.qty)) / inst.tickSize) * 10) / 10;
  const text = ticks.toLocaleString('en-US', { maximumFractionDigits: 1 });
  return ` (${ticks > 0 ? '+' : ''}${text} ${Math.abs(ticks) === 1 ? 'tick' : 'ticks'})`;
}

export function positionLine(p: Position, inst: Instrument): PriceLineSpec {
  const side = p.qty > 0 ? 'LONG' : 'SHORT';
  const qty = formatQuantity(Math.abs(p.qty), inst?.qtyStep);
  const pnl = p.last === null ? 'no mark' : `${formatPnl(p.unrealizedPnl, p.currency)}${ticksText(p, inst)}`;
  const title = `${side} ${qty} · ${pnl}`;
  return {
    key: `pos:${p.key}`,
    price: p.avgPrice,
    title,
    label: `${side} ${qty} @ ${formatAverage(p.avgPrice, inst)} · ${pnl}`,
    color: p.qty > 0 ? '#4f8cff' : '#e0a030',
  };
}

export function orderLine(o: Order, inst: Instrument): PriceLineSpec | null {
  const side = o.side === 'buy' ? 'BUY' : 'SELL';
  const qty = formatQuantity(o.qty - o.filledQty, inst?.qtyStep);
  // Where it lives, on the line itself: a terminal-held stop dies with the app.
  const held = o.list !== undefined || o.trail !== undefined ? ` · ${heldByText[o.heldBy]}` : '';
  const color = orderColor(o);
  // Orders the broker has not confirmed (or with a change in flight) can't be dragged yet.
  const draggable = o.placeholder !== true && o.pendingAction === undefined;
  const base = { connectionId: o.connectionId, orderId: o.id };
  const p = (v: number) => formatPrice(v, inst);
  if (o.stopPrice !== null) {
    const stopTag = o.trail !== undefined ? 'TRAIL' : o.list !== undefined ? chartTag(o) : 'STP';
    const limit = o.limitPrice;
    // A stop-limit is one order: one line at the trigger, both prices in its words.
    const prices =
      limit !== null ? `${stopTag} ${p(o.stopPrice)} LMT ${p(limit)}` : `${stopTag} ${p(o.stopPrice)}`;
    const drag: LineDrag | undefined = draggable
      ? {
          ...base,
          field: 'stopPrice',
          ...(limit !== null
            ? { companion: { field: 'limitPrice' as const, offset: limit - o.stopPrice } }
            : {}),
        }
      : undefined;
    return {
      key: `${o.id}:stp`,
      price: o.stopPrice,
      title:
        limit !== null
          ? `${side} ${qty} ${stopTag} LMT ${p(limit)}${held}`
          : `${side} ${qty} ${stopTag}${held}`,
      label: `${side} ${qty} ${prices}${held}`,
      color,
      // The trailing stop is solid: it is the line that moves.
      dashed: o.trail === undefined,
      ...(limit !== null ? { alsoPrices: [limit] } : {}),
      ...(drag ? { drag } : {}),
    };
  }
  if (o.limitPrice !== null) {
    const tag = chartTag(o);
    return {
      key: `${o.id}:lmt`,
      price: o.limitPrice,
      title: `${side} ${qty} ${tag}${held}`,
      label: `${side} ${qty} ${tag} ${p(o.limitPrice)}${held}`,
      color,
      dashed: true,
      ...(draggable ? { drag: { ...base, field: 'limitPrice' as const } } : {}),
    };
  }
  return null;
}

/** Every line for one listing: its position (if any) and its working orders. */
export function bookLines(
  inst: Instrument,
  orders: Iterable<Order>,
  positions: Iterable<Position>,
): PriceLineSpec[] {
  const out: PriceLineSpec[] = [];
  for (const p of positions)
    if (p.symbol === inst.symbol && p.connectionId === inst.connectionId && p.qty !== 0)
      out.push(positionLine(p, inst));
  for (const o of orders) {
    // Only this listing's orders: another connection's ES is a different book.
    if (o.symbol !== inst.symbol || o.connectionId !== inst.connectionId || isOrderDone(o.status)) continue;
    const line = orderLine(o, inst);
    if (line) out.push(line);
  }
  return out;
}

/** The modify a drop sends: the dragged price, and a stop-limit's limit kept at its distance. */
export function dropChange(
  drag: LineDrag,
  price: number,
  tickSize: number,
): { limitPrice?: number; stopPrice?: number } {
  const change: { limitPrice?: number; stopPrice?: number } = { [drag.field]: price };
  if (drag.companion) {
    const ticks = Math.round((price + drag.companion.offset) / tickSize);
    change[drag.companion.field] = roundToStep(ticks * tickSize, tickSize);
  }
  return change;
}
