/**
 * What closing a position did, in the trader's words: "Closed ES and cancelled 2 orders", or
 * "Closed ES; 1 stop at 5,400.00 left working", and what happens to terminal-managed protection.
 */
import type { Order } from '../../shared/domain';
import { isOrderDone } from '../../shared/domain';
import { orderTypeText } from '../orders/words';

type Price = (o: Order, value: number) => string;

/** "stop at 5,400.00", "limit at 5,460.25", "trailing stop": one resting order, briefly. */
export function restingText(o: Order, price: Price): string {
  const type = (o.trail !== undefined ? orderTypeText.trailing_stop : orderTypeText[o.type]).toLowerCase();
  const at = o.type === 'limit' ? o.limitPrice : (o.stopPrice ?? o.limitPrice);
  return at === null || o.trail !== undefined ? type : `${type} at ${price(o, at)}`;
}

/** The symbol's working orders on that account (the ones a close can cancel). */
export function workingOn(
  orders: Iterable<Order>,
  where: Pick<Order, 'connectionId' | 'accountId' | 'symbol'>,
): Order[] {
  const out: Order[] = [];
  for (const o of orders)
    if (
      o.connectionId === where.connectionId &&
      o.accountId === where.accountId &&
      o.symbol === where.symbol &&
      o.placeholder !== true &&
      !isOrderDone(o.status)
    )
      out.push(o);
  return out;
}

const plural = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;

/** "1 stop at 5,400.00", "2 orders (stop at …, limit at …)". */
function listText(orders: readonly Order[], price: Price): string {
  const [only] = orders;
  if (orders.length === 1 && only !== undefined) return `1 ${restingText(only, price)}`;
  const shown = orders.slice(0, 3).map((o) => restingText(o, price));
  return `${plural(orders.length, 'order')} (${shown.join(', ')}${orders.length > 3 ? ', …' : ''})`;
}

/**
 * The message after a close. `result` is what the desk returned (cancels first, the closing
 * order last); `leftWorking` the symbol's orders still working that the close did not touch.
 */
export function closeOutcomeText(
  symbol: string,
  result: readonly Order[],
  leftWorking: readonly Order[],
  price: Price,
): string {
  const last = result.at(-1);
  // Flatten on a flat position returns cancels only: no closing order.
  const closing =
    last !== undefined && last.type === 'market' && last.status !== 'cancelled' ? last : undefined;
  const cancelled = closing === undefined ? [...result] : result.slice(0, -1);
  const head =
    closing === undefined
      ? `${symbol} was already flat`
      : closing.status === 'filled'
        ? `Closed ${symbol}`
        : `Closing order for ${symbol} sent`;
  const stayed = leftWorking.filter(
    (o) => !result.some((r) => r.connectionId === o.connectionId && r.id === o.id),
  );
  let text = cancelled.length > 0 ? `${head} and cancelled ${plural(cancelled.length, 'order')}` : head;
  if (stayed.length > 0) text += `; ${listText(stayed, price)} left working`;
  const managed = stayed.filter((o) => o.heldBy === 'terminal');
  if (managed.length > 0) text += ` — terminal-managed protection keeps running while Peregrine does`;
  else if (cancelled.some((o) => o.heldBy === 'terminal'))
    text += ' — its terminal-managed protection is cancelled with it';
  return `${text}.`;
}
