/**
 * Realtime (seed 004) payloads → engine shapes: the bot's per-trade positions netted per symbol,
 * and the server's own advanced orders (TRAILING_STOP, OCO, BRACKET) as gateway-held orders with
 * their live stop and peak.
 */
import type { Order, OrderStatus, Side } from '../../../../shared/domain';
import type { ReportedPosition } from '../../connection';
import type { RtOrder, RtPosition } from './messages';

/**
 * The server keeps one position row per trade (`pos-123`), several per symbol; the terminal shows
 * one net position per symbol: signed quantity summed, entry averaged over the rows on the net side.
 */
export function netPositions(rows: readonly RtPosition[], accountId: string, ts: number): ReportedPosition[] {
  const by = new Map<string, { qty: number; cost: number; sideQty: number; mark: number | null }>();
  const open = rows.filter((r) => r.status === undefined || r.status.toLowerCase() === 'open');
  for (const r of open) {
    const sign = r.type === 'sell' || r.type === 'short' ? -1 : 1;
    const e = by.get(r.symbol) ?? { qty: 0, cost: 0, sideQty: 0, mark: null };
    e.qty += sign * r.quantity;
    e.mark = r.current_price ?? e.mark;
    by.set(r.symbol, e);
  }
  for (const r of open) {
    const e = by.get(r.symbol);
    const sign = r.type === 'sell' || r.type === 'short' ? -1 : 1;
    if (e === undefined || Math.sign(e.qty) !== sign) continue;
    e.cost += r.quantity * r.entry_price;
    e.sideQty += r.quantity;
  }
  return [...by].map(([symbol, e]) => ({
    accountId,
    symbol,
    qty: Math.round(e.qty * 1e9) / 1e9,
    avgPrice: e.sideQty > 0 ? e.cost / e.sideQty : 0,
    mark: e.mark,
    markedAt: e.mark === null ? null : ts,
  }));
}

const STATUS: Record<string, OrderStatus> = {
  ACTIVE: 'working',
  OPEN: 'working',
  NEW: 'working',
  MONITORING: 'working',
  PENDING: 'pending',
  TRIGGERED: 'working',
  PARTIALLY_FILLED: 'partially_filled',
  FILLED: 'filled',
  EXECUTED: 'filled',
  CLOSED: 'filled',
  CANCELLED: 'cancelled',
  CANCELED: 'cancelled',
  EXPIRED: 'expired',
  REJECTED: 'rejected',
  FAILED: 'rejected',
};

export function statusOf(raw: string): OrderStatus | null {
  return STATUS[raw.trim().toUpperCase()] ?? null;
}

export interface AdvancedOrderContext {
  connectionId: string;
  accountId: string;
  ts: number;
  /** The net position in the order's symbol: the seed's order names no side or quantity. */
  position: ReportedPosition | undefined;
  createdAt: number;
}

/**
 * Null when side and quantity cannot be known: the seed's order carries neither, so they come
 * from the position it protects (a stop on a long position sells it).
 */
export function toOrder(orderType: string, o: RtOrder, ctx: AdvancedOrderContext): Order | null {
  const status = statusOf(o.status);
  if (status === null) return null;
  const held = ctx.position?.qty ?? 0;
  const side: Side | null =
    o.side !== undefined
      ? o.side.toLowerCase().startsWith('b')
        ? 'buy'
        : 'sell'
      : held > 0
        ? 'sell'
        : held < 0
          ? 'buy'
          : null;
  const qty = o.quantity ?? (held !== 0 ? Math.abs(held) : null);
  if (side === null || qty === null || !(qty > 0)) return null;
  const kind = orderType.trim().toUpperCase();
  const stop = o.current_stop_price ?? null;
  const peak = o.peak_price ?? null;
  const trailing = kind === 'TRAILING_STOP' || kind === 'TRAILING';
  const offset =
    o.trail_percent != null && o.trail_percent > 0
      ? { by: 'percent' as const, offset: o.trail_percent }
      : stop !== null && peak !== null && Math.abs(peak - stop) > 0
        ? { by: 'amount' as const, offset: Math.round(Math.abs(peak - stop) * 1e8) / 1e8 }
        : null;
  return {
    id: o.id,
    clientOrderId: o.id,
    connectionId: ctx.connectionId,
    accountId: ctx.accountId,
    symbol: o.symbol,
    side,
    type: trailing ? 'trailing_stop' : 'stop',
    tif: 'gtc',
    qty,
    filledQty: status === 'filled' ? qty : 0,
    avgFillPrice: null,
    limitPrice: o.take_profit_price ?? null,
    stopPrice: stop,
    status,
    rejectReason: status === 'rejected' ? `${kind} ${o.status}` : null,
    // The server's order monitor moves the stop and fires the exit, not this terminal.
    heldBy: 'gateway',
    createdAt: ctx.createdAt,
    updatedAt: ctx.ts,
    ...(trailing && offset !== null
      ? { trail: { ...offset, activationPrice: null, stopPrice: stop, peak, activated: true } }
      : {}),
    ...(kind === 'OCO' || kind === 'BRACKET'
      ? {
          list: {
            id: o.id,
            type: kind === 'OCO' ? ('oco' as const) : ('bracket' as const),
            role: 'stop' as const,
          },
        }
      : {}),
  };
}
