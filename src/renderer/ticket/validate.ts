/**
 * Order ticket validation against the instrument's tick size and quantity step, run before
 * anything is sent so the trader sees the problem next to the field.
 */
import type { PlaceOrderRequest } from '../../shared/contract';
import type { Instrument, OrderType, Side, TimeInForce } from '../../shared/domain';
import { checkPrice as gridPrice, checkQty as gridQty } from '../../shared/orderChecks';
import { formatPrice } from '../../shared/money';

export interface TicketInput {
  side: Side;
  type: OrderType;
  tif: TimeInForce;
  qty: string;
  limitPrice: string;
  stopPrice: string;
}

export type TicketField = 'qty' | 'limitPrice' | 'stopPrice' | 'account';
export type TicketErrors = Partial<Record<TicketField, string>>;

export type TicketCheck = { ok: true; request: PlaceOrderRequest } | { ok: false; errors: TicketErrors };

export const needsLimit = (t: OrderType): boolean => t === 'limit' || t === 'stop_limit';
export const needsStop = (t: OrderType): boolean => t === 'stop' || t === 'stop_limit';

/**
 * Strict decimal: "12", "12.5", ".5", and grouped as the terminal shows prices ("5,425.25"); no
 * exponents, signs or stray text that Number() accepts.
 */
export function parseDecimal(text: string): number | null {
  const t = text.trim();
  if (!/^((\d{1,3}(,\d{3})+|\d+)(\.\d*)?|\.\d+)$/.test(t)) return null;
  const n = Number(t.replaceAll(',', ''));
  return Number.isFinite(n) ? n : null;
}

function checkPrice(text: string, name: string, inst: Instrument): { value?: number; error?: string } {
  if (text.trim() === '') return { error: `Enter a ${name}.` };
  const v = parseDecimal(text);
  if (v === null || v <= 0)
    return { error: `${name[0]?.toUpperCase()}${name.slice(1)} must be a positive number.` };
  // The main process runs the same check (shared/orderChecks); this one shows it by the field.
  const onGrid = gridPrice(inst, name, v);
  if (!onGrid.ok)
    return {
      error: `${name[0]?.toUpperCase()}${name.slice(1)} must be a multiple of the tick size ${formatPrice(inst.tickSize, inst)}.`,
    };
  return { value: onGrid.value };
}

export function validateTicket(
  input: TicketInput,
  inst: Instrument,
  account: { connectionId: string; accountId: string } | null,
): TicketCheck {
  const errors: TicketErrors = {};
  const qty = parseDecimal(input.qty);
  if (input.qty.trim() === '') errors.qty = 'Enter a quantity.';
  else if (qty === null || qty <= 0) errors.qty = 'Quantity must be a positive number.';
  else if (!gridQty(inst, qty).ok)
    errors.qty =
      qty < inst.qtyStep
        ? `Quantity must be at least ${inst.qtyStep}.`
        : `Quantity must be a multiple of ${inst.qtyStep}.`;

  let limitPrice: number | undefined;
  let stopPrice: number | undefined;
  if (needsLimit(input.type)) {
    const r = checkPrice(input.limitPrice, 'limit price', inst);
    if (r.error) errors.limitPrice = r.error;
    limitPrice = r.value;
  }
  if (needsStop(input.type)) {
    const r = checkPrice(input.stopPrice, 'stop price', inst);
    if (r.error) errors.stopPrice = r.error;
    stopPrice = r.value;
  }
  if (!account) errors.account = `No account on ${inst.connectionId} can trade ${inst.symbol}.`;

  if (Object.keys(errors).length > 0 || !account || qty === null) return { ok: false, errors };
  const request: PlaceOrderRequest = {
    connectionId: account.connectionId,
    accountId: account.accountId,
    symbol: inst.symbol,
    side: input.side,
    type: input.type,
    qty,
    tif: input.tif,
  };
  if (limitPrice !== undefined) request.limitPrice = limitPrice;
  if (stopPrice !== undefined) request.stopPrice = stopPrice;
  return { ok: true, request };
}
