/**
 * A price field with − / + tick buttons; ArrowUp / ArrowDown step one tick, ten with Shift. The
 * value stays text (the ticket validates it), stepping always lands on the tick grid. Its error,
 * when there is one, is said right under it (and named by the input's aria-describedby).
 */
import type { Instrument } from '../../shared/domain';
import { BIG_STEP, stepPrice } from './stepping';

export function PriceInput({
  id,
  label,
  value,
  onChange,
  instrument,
  market,
  error,
}: {
  id: string;
  label: string;
  value: string;
  onChange(v: string): void;
  instrument: Instrument | undefined;
  /** Where stepping starts from an empty field. */
  market: number | undefined;
  error: string | undefined;
}) {
  const step = (ticks: number) => {
    if (instrument) onChange(stepPrice(value, ticks, instrument, market));
  };
  return (
    <>
      <label className="field" htmlFor={id}>
        <span>{label}</span>
        <span className="price-input">
          <button
            type="button"
            tabIndex={-1}
            aria-label={`${label} down one tick`}
            disabled={!instrument}
            onClick={(e) => step(e.shiftKey ? -BIG_STEP : -1)}
          >
            −
          </button>
          <input
            id={id}
            inputMode="decimal"
            autoComplete="off"
            value={value}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${id}-err` : undefined}
            onChange={(e) => onChange(e.target.value)}
            onKeyDown={(e) => {
              if (e.key !== 'ArrowUp' && e.key !== 'ArrowDown') return;
              e.preventDefault();
              const n = e.shiftKey ? BIG_STEP : 1;
              step(e.key === 'ArrowUp' ? n : -n);
            }}
          />
          <button
            type="button"
            tabIndex={-1}
            aria-label={`${label} up one tick`}
            disabled={!instrument}
            onClick={(e) => step(e.shiftKey ? BIG_STEP : 1)}
          >
            +
          </button>
        </span>
      </label>
      {error ? (
        <div className="field-error" id={`${id}-err`} role="alert">
          {error}
        </div>
      ) : null}
    </>
  );
}
