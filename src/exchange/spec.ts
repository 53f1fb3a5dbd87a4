/** What a simulated market needs to know about one instrument to generate prices and a book. */
import type { Instrument } from '../shared/domain';

export interface MarketSpec {
  instrument: Instrument;
  /** Price when the simulated session starts (on the tick grid). */
  startPrice: number;
  /** Typical per-minute volatility as a fraction of price, for the quiet/normal regime. */
  minuteVol: number;
  /** Typical displayed size at the top of the book, in qty steps. */
  bookSize: number;
  /** Typical spread in ticks. */
  spreadTicks: number;
}
