/**
 * One-action orders (hotkeys, the DOM ladder): the same validation as the ticket
 * (`validateTicket`), a fresh client order id from main, then `orders.place`, so the order desk's
 * checks and risk limits run exactly as for a ticket order. Answers in a sentence for a notice.
 */
import type { TerminalApi } from '../../shared/api';
import type { OrderOrigin } from '../../shared/contract';
import type { Account, Instrument, Side } from '../../shared/domain';
import { roundToStep } from '../../shared/money';
import { validateTicket } from './validate';

export interface QuickOrder {
  instrument: Instrument;
  account: Pick<Account, 'connectionId' | 'accountId'> | null;
  side: Side;
  type: 'market' | 'limit' | 'stop';
  /** As typed in the ticket: the ticket's checks apply to it. */
  qty: string;
  /** Limit or stop price; snapped to the instrument's tick. */
  price?: number;
  /** Where the click or key came from (the desk refuses hotkey / DOM orders on live accounts unless allowed). */
  origin?: OrderOrigin;
}

export interface QuickOutcome {
  ok: boolean;
  text: string;
}

/** A price as a field would hold it: on the tick, plain digits (no separators), for validation. */
export function priceField(
  price: number,
  instrument: Pick<Instrument, 'tickSize' | 'pricePrecision'>,
): string {
  return roundToStep(price, instrument.tickSize).toFixed(Math.max(instrument.pricePrecision, 0));
}

export async function placeQuick(
  api: TerminalApi,
  q: QuickOrder,
  confirm: (title: string, message: string, label: string) => Promise<boolean>,
): Promise<QuickOutcome> {
  const { instrument } = q;
  const price = q.price === undefined ? '' : priceField(q.price, instrument);
  const check = validateTicket(
    {
      side: q.side,
      type: q.type,
      tif: 'day',
      qty: q.qty,
      limitPrice: q.type === 'limit' ? price : '',
      stopPrice: q.type === 'stop' ? price : '',
    },
    instrument,
    q.account,
  );
  if (!check.ok) return { ok: false, text: Object.values(check.errors).join(' ') };
  const id = await api.orders.newClientOrderId({});
  if (!id.ok) return { ok: false, text: id.error.message };
  const request = {
    ...check.request,
    clientOrderId: id.value.clientOrderId,
    ...(q.origin === undefined ? {} : { origin: q.origin }),
  };
  let res = await api.orders.place(request);
  if (!res.ok && res.error.code === 'needs_confirmation') {
    const yes = await confirm('Confirm a large order', res.error.message, `Send ${check.request.qty}`);
    if (!yes) return { ok: false, text: 'Not sent.' };
    res = await api.orders.place({ ...request, confirmLarge: true });
  }
  if (!res.ok) return { ok: false, text: res.error.message };
  if (res.value.status === 'rejected')
    return { ok: false, text: `Rejected: ${res.value.rejectReason ?? 'by the broker.'}` };
  const at = q.type === 'market' ? 'at market' : `${q.type} @ ${price}`;
  return {
    ok: true,
    text: `${q.side === 'buy' ? 'Buy' : 'Sell'} ${check.request.qty} ${instrument.symbol} ${at} (${res.value.status.replace('_', ' ')}).`,
  };
}
