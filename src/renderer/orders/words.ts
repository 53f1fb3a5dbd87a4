/** Order vocabulary in the trader's words, shared by the orders table, the chart and the ticket. */
import type { HeldBy, Order, OrderType } from '../../shared/domain';
import { formatTrimmed } from '../../shared/money';

export const orderTypeText: Record<OrderType, string> = {
  market: 'Market',
  limit: 'Limit',
  stop: 'Stop',
  stop_limit: 'Stop limit',
  trailing_stop: 'Trailing stop',
};

/** Short labels for chart price lines. */
export const orderTypeTag: Record<OrderType, string> = {
  market: 'MKT',
  limit: 'LMT',
  stop: 'STP',
  stop_limit: 'STP LMT',
  trailing_stop: 'TRAIL',
};

export const heldByText: Record<HeldBy, string> = {
  broker: 'broker',
  gateway: 'gateway',
  terminal: 'terminal',
};

export const heldByTitle: Record<HeldBy, string> = {
  broker: "Held on the broker's servers: it works while this terminal is closed.",
  gateway: 'Held by your gateway: it works while this terminal is closed, as long as the gateway runs.',
  terminal: 'Managed by this terminal: it only works while Peregrine runs and is connected.',
};

/** The status as a trader reads it, including a request still waiting for the broker. */
export function orderStatusText(o: Pick<Order, 'status' | 'pendingAction' | 'placeholder'>): string {
  if (o.pendingAction === 'cancel') return 'Pending cancel';
  if (o.pendingAction === 'replace') return 'Pending replace';
  switch (o.status) {
    case 'unknown':
      return 'Unknown — checking with broker';
    case 'pending':
      return o.placeholder === true ? 'Sending' : 'Pending';
    case 'working':
      return 'Working';
    case 'partially_filled':
      return 'Partially filled';
    case 'filled':
      return 'Filled';
    case 'cancelled':
      return 'Cancelled';
    case 'rejected':
      return 'Rejected';
    case 'expired':
      return 'Expired';
  }
}

export const UNKNOWN_TEXT =
  'The broker did not answer this order call. It may or may not exist; the terminal is asking the broker and will never send it again on its own.';

const roleText: Record<NonNullable<Order['list']>['role'], string> = {
  entry: 'entry',
  target: 'target',
  stop: 'stop-loss',
  leg: 'leg',
};

/** "OCO leg", "Bracket target", "Trailing" — what protection an order belongs to, if any. */
export function protectionText(o: Pick<Order, 'list' | 'trail'>): string | null {
  if (o.list !== undefined) return `${o.list.type === 'oco' ? 'OCO' : 'Bracket'} ${roleText[o.list.role]}`;
  if (o.trail !== undefined) return 'Trailing';
  return null;
}

/** A trailing stop's distance in the trader's unit: "4 ticks", "0.5 %", "2.5". */
export function trailText(t: NonNullable<Order['trail']>): string {
  const offset = formatTrimmed(t.offset);
  if (t.by === 'ticks') return `${offset} tick${t.offset === 1 ? '' : 's'}`;
  if (t.by === 'percent') return `${offset} %`;
  return offset;
}

/** Short chart tag for an order: its protection role when it has one, else its type. */
export function chartTag(o: Pick<Order, 'list' | 'trail' | 'type'>): string {
  if (o.trail !== undefined) return 'TRAIL';
  if (o.list?.role === 'target') return 'TP';
  if (o.list?.role === 'stop') return 'SL';
  if (o.list?.type === 'oco') return `OCO ${orderTypeTag[o.type]}`;
  return orderTypeTag[o.type];
}
