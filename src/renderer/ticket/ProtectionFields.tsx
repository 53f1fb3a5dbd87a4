/**
 * The ticket's fields for a bracket, an OCO exit pair or a trailing stop, with each field's error
 * beside it, and a line saying who will hold the protection (the broker, or this terminal while
 * it runs) before the trader commits to it.
 */
import type { Capabilities, TrailBy } from '../../shared/domain';
import type { ExitUnit, ProtectionErrors, ProtectionInput, ProtectionMode } from './protection';

export type ProtectionDraft = Omit<ProtectionInput, 'mode' | 'side' | 'qty' | 'tif'>;

interface Props {
  id: string;
  mode: Exclude<ProtectionMode, 'none'>;
  draft: ProtectionDraft;
  errors: ProtectionErrors;
  capabilities: Capabilities | undefined;
  onChange(patch: Partial<ProtectionDraft>): void;
}

function Field(props: {
  id: string;
  label: string;
  value: string;
  error: string | undefined;
  onChange(v: string): void;
  placeholder?: string;
  unit?: { value: ExitUnit; onChange(u: ExitUnit): void };
}) {
  const errId = `${props.id}-err`;
  return (
    <>
      {/* The unit select sits outside the label: the input's name is the label alone. */}
      <div className="field">
        <label htmlFor={props.id}>{props.label}</label>
        <span className="field-with-unit">
          <input
            id={props.id}
            inputMode="decimal"
            autoComplete="off"
            value={props.value}
            placeholder={props.placeholder}
            aria-invalid={props.error ? true : undefined}
            aria-describedby={props.error ? errId : undefined}
            onChange={(e) => props.onChange(e.target.value)}
          />
          {props.unit ? (
            <select
              aria-label={`${props.label} unit`}
              value={props.unit.value}
              onChange={(e) => props.unit?.onChange(e.target.value as ExitUnit)}
            >
              <option value="ticks">ticks</option>
              <option value="price">price</option>
            </select>
          ) : null}
        </span>
      </div>
      {props.error ? (
        <div className="field-error" id={errId} role="alert">
          {props.error}
        </div>
      ) : null}
    </>
  );
}

export function ProtectionFields({ id, mode, draft, errors, capabilities, onChange }: Props) {
  const native =
    mode === 'bracket'
      ? capabilities?.nativeBracket
      : mode === 'oco'
        ? capabilities?.nativeOco
        : capabilities?.nativeTrailingStop;
  return (
    <div className="protection-fields">
      {mode === 'bracket' ? (
        <>
          <label className="field" htmlFor={`${id}-entry`}>
            <span>Entry</span>
            <select
              id={`${id}-entry`}
              value={draft.entryType}
              onChange={(e) => onChange({ entryType: e.target.value as 'market' | 'limit' })}
            >
              <option value="limit">Limit</option>
              <option value="market">Market</option>
            </select>
          </label>
          {draft.entryType === 'limit' ? (
            <Field
              id={`${id}-entry-lmt`}
              label="Entry limit"
              value={draft.limitPrice}
              error={errors.limitPrice}
              onChange={(v) => onChange({ limitPrice: v })}
            />
          ) : null}
        </>
      ) : null}
      {mode !== 'trailing' ? (
        <>
          <Field
            id={`${id}-target`}
            label="Target"
            value={draft.target}
            error={errors.target}
            onChange={(v) => onChange({ target: v })}
            {...(mode === 'bracket'
              ? { unit: { value: draft.targetUnit, onChange: (u: ExitUnit) => onChange({ targetUnit: u }) } }
              : {})}
          />
          <Field
            id={`${id}-stop`}
            label="Stop"
            value={draft.stop}
            error={errors.stop}
            onChange={(v) => onChange({ stop: v })}
            {...(mode === 'bracket'
              ? { unit: { value: draft.stopUnit, onChange: (u: ExitUnit) => onChange({ stopUnit: u }) } }
              : {})}
          />
        </>
      ) : (
        <>
          <label className="field" htmlFor={`${id}-trail-by`}>
            <span>Trail by</span>
            <select
              id={`${id}-trail-by`}
              value={draft.trailBy}
              onChange={(e) => onChange({ trailBy: e.target.value as TrailBy })}
            >
              <option value="ticks">Ticks</option>
              <option value="amount">Amount</option>
              <option value="percent">Percent</option>
            </select>
          </label>
          <Field
            id={`${id}-trail`}
            label="Trail"
            value={draft.trailOffset}
            error={errors.trailOffset}
            onChange={(v) => onChange({ trailOffset: v })}
          />
          <Field
            id={`${id}-activation`}
            label="Activate at"
            value={draft.activation}
            placeholder="at once"
            error={errors.activation}
            onChange={(v) => onChange({ activation: v })}
          />
        </>
      )}
      <div className={`ticket-hint held-${native ? 'broker' : 'terminal'}`} role="note">
        {mode === 'bracket'
          ? 'Buy or Sell is the entry; the exits take the other side, sized to what fills.'
          : mode === 'oco'
            ? 'Buy or Sell is the side of both exits: Sell protects a long.'
            : 'Sell trails below the high (protects a long); Buy trails above the low.'}{' '}
        {native
          ? 'Held at the broker: it works while Peregrine is closed.'
          : 'Managed by this terminal: a real stop rests at the broker, but trailing and cancelling the other leg only happen while Peregrine runs.'}
      </div>
    </div>
  );
}
