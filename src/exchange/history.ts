/**
 * Deterministic 1-minute history for a simulated market, generated backwards from the session's
 * start price so the last historical close meets the first live tick without a gap.
 */
import type { Bar } from '../shared/domain';
import { roundToStep } from '../shared/money';
import type { MarketSpec } from './spec';
import { gaussian, type Rng } from '../shared/random';

/** Five days of minutes: enough that 1h charts show a few days, 1m charts a full session. */
export const HISTORY_MINUTES = 5 * 24 * 60;

/**
 * 1m bars, oldest first, for the `minutes` whole minutes before `startTime`'s minute; the last
 * close equals the start price.
 */
export function generateHistory(
  spec: MarketSpec,
  rng: Rng,
  startTime: number,
  minutes = HISTORY_MINUTES,
): Bar[] {
  const tick = spec.instrument.tickSize;
  const step = spec.instrument.qtyStep;
  const firstLive = Math.floor(startTime / 60_000) * 60_000;
  const bars: Bar[] = new Array<Bar>(minutes);
  let close = roundToStep(spec.startPrice, tick);
  let volMult = 1;
  for (let i = minutes - 1; i >= 0; i--) {
    // Slowly varying volatility gives history the same calm and busy stretches as the live feed.
    if (rng() < 0.02) volMult = rng() < 0.25 ? 2.2 : rng() < 0.5 ? 0.5 : 1;
    const sigma = spec.minuteVol * close * volMult;
    const open = Math.max(tick, roundToStep(close - gaussian(rng) * sigma, tick));
    const high = roundToStep(Math.max(open, close) + Math.abs(gaussian(rng)) * sigma * 0.5, tick);
    const low = Math.max(
      tick,
      roundToStep(Math.min(open, close) - Math.abs(gaussian(rng)) * sigma * 0.5, tick),
    );
    const volumeSteps = Math.round(spec.bookSize * 6 * volMult * (0.3 + rng()));
    bars[i] = {
      time: firstLive - (minutes - i) * 60_000,
      open,
      high,
      low,
      close,
      volume: roundToStep(volumeSteps * step, step),
    };
    close = open;
  }
  return bars;
}
