/**
 * The ticket's protection modes — bracket, OCO, trailing stop — checked before anything is sent:
 * every price on the tick grid, exits on the right side of the entry or the market, a trail in
 * whole ticks, a tick-sized amount or a sane percentage. The engine runs the same checks.
 */
import type { ProtectionRequest } from '../../shared/contract';
import type { Instrument, Side, TimeInForce, TrailBy } from '../../shared/domain';
import { checkPrice, checkQty } from '../../shared/orderChecks';
import { formatPrice } from '../../shared/money';
import { parseDecimal } from './validate';

export type ProtectionMode = 'none' | 'bracket' | 'oco' | 'trailing';
export type ExitUnit = 'price' | 'ticks';

export interface ProtectionInput {
  mode: Exclude<ProtectionMode, 'none'>;
  side: Side;
  qty: string;
  tif: TimeInForce;
  /** Bracket entry: market, or limit at `limitPrice`. */
  entryType: 'market' | 'limit';
  limitPrice: string;
  /** Bracket: target / stop as a price or ticks from the entry; OCO: the two legs' prices. */
  target: string;
  targetUnit: ExitUnit;
  stop: string;
  stopUnit: ExitUnit;
  trailBy: TrailBy;
  trailOffset: string;
  activation: string;
}

export type ProtectionField =
  'qty' | 'limitPrice' | 'target' | 'stop' | 'trailOffset' | 'activation' | 'account';
export type ProtectionErrors = Partial<Record<ProtectionField, string>>;
export type ProtectionCheck =
  { ok: true; request: ProtectionRequest } | { ok: false; errors: ProtectionErrors };

function decimal(text: string): number | null {
  const n = parseDecimal(text);
  return n !== null && n > 0 ? n : null;
}

function price(text: string, label: string, inst: Instrument): { value?: number; error?: string } {
  const v = decimal(text);
  if (v === null) return { error: `Enter a positive ${label}.` };
  const r = checkPrice(inst, label, v);
  if (!r.ok)
    return {
      error: `${label[0]?.toUpperCase() ?? ''}${label.slice(1)} must be a multiple of the tick size ${formatPrice(inst.tickSize, inst)}.`,
    };
  return { value: r.value };
}

function ticks(text: string, label: string): { value?: number; error?: string } {
  const v = decimal(text);
  if (v === null || !Number.isInteger(v)) return { error: `The ${label} is a whole number of ticks.` };
  return { value: v };
}

/**
 * `last`: the market's last price (null without a quote). Sides: a bracket's `side` is its
 * entry's, its exits take the other; an OCO's and a trailing stop's `side` is their own.
 */
export function validateProtection(
  input: ProtectionInput,
  inst: Instrument,
  account: { connectionId: string; accountId: string } | null,
  last: number | null,
): ProtectionCheck {
  const errors: ProtectionErrors = {};
  const qtyValue = decimal(input.qty);
  if (qtyValue === null) errors.qty = 'Enter a positive quantity.';
  else if (!checkQty(inst, qtyValue).ok) errors.qty = `Quantity must be a multiple of ${inst.qtyStep}.`;
  if (account === null) errors.account = `No account on ${inst.connectionId} can trade ${inst.symbol}.`;
  const fmt = (v: number) => formatPrice(v, inst);
  const base = {
    connectionId: account?.connectionId ?? '',
    accountId: account?.accountId ?? '',
    symbol: inst.symbol,
    side: input.side,
    qty: qtyValue ?? 0,
    tif: input.tif,
  };
  let request: ProtectionRequest | null = null;

  if (input.mode === 'bracket') {
    let ref = last;
    let limitPrice: number | undefined;
    if (input.entryType === 'limit') {
      const r = price(input.limitPrice, 'limit price', inst);
      if (r.error) errors.limitPrice = r.error;
      limitPrice = r.value;
      ref = r.value ?? null;
    }
    const exit = (leg: 'target' | 'stop', text: string, unit: ExitUnit) => {
      if (unit === 'ticks') {
        const r = ticks(text, leg);
        if (r.error) errors[leg] = r.error;
        return r.value === undefined ? null : { ticks: r.value };
      }
      const r = price(text, `${leg} price`, inst);
      if (r.error) {
        errors[leg] = r.error;
        return null;
      }
      const v = r.value ?? 0;
      // A long's target is above its entry and its stop below; a short's the other way round.
      const above = (leg === 'target') === (input.side === 'buy');
      if (ref !== null && (above ? v <= ref : v >= ref))
        errors[leg] = `The ${leg} must be ${above ? 'above' : 'below'} the entry (${fmt(ref)}).`;
      return { price: v };
    };
    const target = exit('target', input.target, input.targetUnit);
    const stop = exit('stop', input.stop, input.stopUnit);
    if (target !== null && stop !== null)
      request = {
        ...base,
        kind: 'bracket',
        entry: input.entryType === 'limit' ? { type: 'limit', limitPrice } : { type: 'market' },
        target,
        stop,
      };
  } else if (input.mode === 'oco') {
    const t = price(input.target, 'target price', inst);
    const s = price(input.stop, 'stop price', inst);
    if (t.error) errors.target = t.error;
    if (s.error) errors.stop = s.error;
    // The pair closes a position: selling takes profit above the market and stops out below it.
    const sell = input.side === 'sell';
    if (last !== null && t.value !== undefined && (sell ? t.value <= last : t.value >= last))
      errors.target = `A ${input.side} target must be ${sell ? 'above' : 'below'} the market (${fmt(last)}).`;
    if (last !== null && s.value !== undefined && (sell ? s.value >= last : s.value <= last))
      errors.stop = `A ${input.side} stop must be ${sell ? 'below' : 'above'} the market (${fmt(last)}).`;
    if (t.value !== undefined && s.value !== undefined)
      request = {
        ...base,
        kind: 'oco',
        legs: [
          { type: 'limit', limitPrice: t.value },
          { type: 'stop', stopPrice: s.value },
        ],
      };
  } else {
    let offset: number | undefined;
    if (input.trailBy === 'ticks') {
      const r = ticks(input.trailOffset, 'trail');
      if (r.error) errors.trailOffset = r.error;
      offset = r.value;
    } else if (input.trailBy === 'amount') {
      const r = price(input.trailOffset, 'trailing amount', inst);
      if (r.error) errors.trailOffset = r.error;
      offset = r.value;
    } else {
      const v = decimal(input.trailOffset);
      if (v === null || v >= 100) errors.trailOffset = 'The trail is a percentage above 0 and below 100.';
      else offset = v;
    }
    let activationPrice: number | null = null;
    if (input.activation.trim() !== '') {
      const r = price(input.activation, 'activation price', inst);
      if (r.error) errors.activation = r.error;
      activationPrice = r.value ?? null;
    } else if (last === null) errors.trailOffset = `There is no ${inst.symbol} price to trail from yet.`;
    if (offset !== undefined)
      request = { ...base, kind: 'trailing', trail: { by: input.trailBy, offset, activationPrice } };
  }
  if (Object.keys(errors).length > 0 || request === null) return { ok: false, errors };
  return { ok: true, request };
}

/** Labels short enough for the ticket's field at its narrowest; the hint under the fields explains. */
export const protectionModes: { value: ProtectionMode; label: string }[] = [
  { value: 'none', label: 'None' },
  { value: 'bracket', label: 'Bracket' },
  { value: 'oco', label: 'OCO exits' },
  { value: 'trailing', label: 'Trailing stop' },
];

export function protectionName(mode: Exclude<ProtectionMode, 'none'>): string {
  return mode === 'bracket' ? 'Bracket' : mode === 'oco' ? 'OCO' : 'Trailing stop';
}
